import ImageStore
import OCI
import Platform

/// `devbox push`: blobs the registry lacks (checked with HEAD) as
/// monolithic uploads (POST, then PUT with the digest), then the manifest
/// under the tag: the OCI distribution spec's push flow.
public struct Pusher {
    public let store: ImageStore
    public let progress: PullProgress

    public init(store: ImageStore, progress: PullProgress) {
        self.store = store
        self.progress = progress
    }

    public func push(_ image: StoredImage, to reference: ImageReference, connection: RegistryConnection) throws(RegistryError) {
        let client = RegistryClient(reference: reference, connection: connection, push: true)
        for blob in [image.manifest.config] + image.manifest.layers {
            let head = try client.send(HTTPRequest(url: client.url("blobs/" + blob.digest.description), method: "HEAD"))
            if head.status == 200 {
                progress.line("blob \(blob.digest.short) already in the registry")
                continue
            }
            var start = HTTPRequest(url: client.url("blobs/uploads/"), method: "POST")
            start.body = []
            let started = try client.send(start)
            guard started.status == 202, let location = started.header("location") else {
                throw .status(code: started.status, what: "starting the upload of \(blob.digest.short)")
            }
            let target = client.absolute(location) + (location.contains("?") ? "&" : "?") + "digest=" + blob.digest.description
            var upload = HTTPRequest(url: target, method: "PUT", headers: ["Content-Type: application/octet-stream"])
            upload.uploadFile = store.layout.blob(blob.digest)
            progress.line("copying blob \(blob.digest.short) (\(ByteCount.string(blob.size)))")
            let done = try client.send(upload)
            guard done.status == 201 else { throw .status(code: done.status, what: "the upload of \(blob.digest.short)") }
        }
        let bytes: [UInt8]
        do { bytes = try store.blobs.read(image.manifestDigest) } catch { throw .store(error) }
        var put = HTTPRequest(url: client.url("manifests/" + (reference.tag ?? "latest")), method: "PUT",
                              headers: ["Content-Type: " + (image.manifest.mediaType ?? MediaType.ociManifest)])
        put.body = bytes
        let stored = try client.send(put)
        guard stored.status == 201 else { throw .status(code: stored.status, what: "the manifest") }
        progress.line("pushed \(reference) \(image.manifestDigest)")
    }
}

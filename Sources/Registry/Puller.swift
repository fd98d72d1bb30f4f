import FoundationEssentials
import ImageStore
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// `devbox pull`: manifest (through an index to this machine's platform),
/// then config and layers in parallel, each hashed as it arrives and stored
/// only if it matches its digest, then the layers unpacked and the
/// reference tagged. An interrupted pull leaves only temporary files.
public struct Puller {
    public static let manifestTypes = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest]

    public let store: ImageStore
    public let progress: PullProgress

    public init(store: ImageStore, progress: PullProgress) {
        self.store = store
        self.progress = progress
    }

    public func pull(_ reference: ImageReference, connection: RegistryConnection) throws(RegistryError) -> StoredImage {
        let client = RegistryClient(reference: reference, connection: connection)
        var (bytes, digest) = try fetchManifest(client, reference.digest?.description ?? reference.tag ?? "latest",
                                                expected: reference.digest, what: reference.description)
        if let index = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)),
           MediaType.isIndex(index.mediaType) || (index.mediaType == nil && !index.manifests.isEmpty) {
            guard let chosen = PlatformMatch.best(index.manifests, for: HostPlatform.current) else {
                throw .noPlatform(reference.description)
            }
            (bytes, digest) = try fetchManifest(client, chosen.digest.description, expected: chosen.digest,
                                                what: reference.description)
        }
        let manifest: ImageManifest
        do { manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(bytes)) } catch {
            throw .badDocument("manifest of \(reference): \(error)")
        }
        let blobs = ([manifest.config] + manifest.layers).filter { !store.blobs.contains($0.digest) }
        try download(blobs, layers: Set(manifest.layers.map(\.digest)), client: client)
        do {
            for layer in manifest.layers {
                progress.line("unpacking layer \(layer.digest.short)")
                try LayerUnpacker(layout: store.layout, userNamespace: store.userNamespace).unpack(layer.digest)
            }
            _ = try store.blobs.write(expected: digest) { sink in try bytes.withUnsafeBytes { try sink($0) } }
            try store.tag(reference, digest)
            return try store.image(reference.description)
        } catch {
            throw .store(error)
        }
    }

    func fetchManifest(_ client: RegistryClient, _ ref: String, expected: Digest?, what: String) throws(RegistryError) -> ([UInt8], Digest) {
        let response = try client.send(HTTPRequest(url: client.url("manifests/" + ref),
                                                   headers: ["Accept: " + Self.manifestTypes.joined(separator: ", ")]))
        if response.status == 404 { throw .notFound(what) }
        guard response.status == 200 else { throw .status(code: response.status, what: "the manifest of \(what)") }
        let digest = SHA256.digest(response.body)
        if let expected, expected != digest {
            throw .store(.digestMismatch(expected: expected, actual: digest))
        }
        return (response.body, digest)
    }

    /// Downloads blobs side by side; layers are unpacked as they stream.
    func download(_ blobs: [Descriptor], layers: Set<Digest>, client: RegistryClient) throws(RegistryError) {
        guard !blobs.isEmpty else { return }
        var writers: [BlobWriter] = []
        var streams: [StreamingUnpack?] = []
        do {
            for blob in blobs {
                writers.append(try BlobWriter(layout: store.layout, expected: blob.digest))
                let unpacked = FileSystem.isDirectory(store.layout.layer(blob.digest))
                streams.append(layers.contains(blob.digest) && !unpacked ? try StreamingUnpack(layout: store.layout, digest: blob.digest, userNamespace: store.userNamespace) : nil)
            }
        } catch {
            throw .store(error)
        }
        let total = blobs.reduce(Int64(0)) { $0 + $1.size }
        for blob in blobs { progress.line("copying blob \(blob.digest.short) (\(ByteCount.string(blob.size)))") }
        let sinks: [((UnsafeRawBufferPointer) -> Bool)?] = zip(writers, streams).map { writer, stream in
            { bytes in
                do { try writer.append(bytes) } catch { return false }
                stream?.feed(bytes)
                progress.advance(by: bytes.count, total: total)
                return true
            }
        }
        let requests = blobs.map { HTTPRequest(url: client.url("blobs/" + $0.digest.description)) }
        let responses = try client.send(requests, sinks: sinks)
        progress.finish()
        for (i, response) in responses.enumerated() {
            guard response.status == 200 else {
                writers.forEach { $0.abort() }
                for stream in streams { _ = try? stream?.finish(verified: false) }
                throw response.status == 404 ? .notFound("blob \(blobs[i].digest)") : .status(code: response.status, what: "blob \(blobs[i].digest)")
            }
        }
        // Every blob is verified before any layer is published.
        var failure: StoreError?
        var verified: [Bool] = []
        for writer in writers {
            do {
                _ = try writer.commit()
                verified.append(true)
            } catch {
                failure = failure ?? error
                verified.append(false)
            }
        }
        for (stream, ok) in zip(streams, verified) {
            do {
                try stream?.finish(verified: ok && failure == nil)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure {
            // Keep the store as it was: drop this pull's verified blobs too.
            for (blob, ok) in zip(blobs, verified) where ok { unlink(store.layout.blob(blob.digest)) }
            throw .store(failure)
        }
    }
}

/// What a pull tells the user: a live byte count on a terminal, plain lines
/// otherwise, nothing with -q.
public final class PullProgress {
    public enum Mode { case quiet, lines, terminal }
    let mode: Mode
    var received: Int64 = 0
    var lastDraw: Double = 0
    let start = PullProgress.now()

    public init(quiet: Bool) {
        mode = quiet ? .quiet : (isatty(2) == 1 ? .terminal : .lines)
    }

    func line(_ text: String) {
        guard mode != .quiet else { return }
        emit(text + "\n")
    }

    func advance(by count: Int, total: Int64) {
        received += Int64(count)
        guard mode == .terminal else { return }
        let now = Self.now()
        guard now - lastDraw > 0.1 else { return }
        lastDraw = now
        let speed = Double(received) / max(now - start, 0.001)
        emit("\r\u{1b}[K\(ByteCount.string(received)) / \(ByteCount.string(total))  \(ByteCount.string(Int64(speed)))/s")
    }

    func finish() {
        guard mode != .quiet else { return }
        let seconds = max(Self.now() - start, 0.001)
        emit((mode == .terminal ? "\r\u{1b}[K" : "") + "received \(ByteCount.string(received)) in \(Int(seconds * 1000)) ms\n")
    }

    func emit(_ text: String) {
        _ = text.withCString { write(2, $0, strlen($0)) }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

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
        var store = self.store
        if store.session == nil {
            // A pull is a store writer: prune waits for it (StoreSession).
            do { try store.beginSession(.write) } catch { throw .store(error) }
        }
        let client = RegistryClient(reference: reference, connection: connection)
        var (bytes, digest) = try fetchManifest(client, reference.digest?.description ?? reference.tag ?? "latest",
                                                expected: reference.digest, declaredSize: nil, what: reference.description)
        if let index = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)),
           MediaType.isIndex(index.mediaType) || (index.mediaType == nil && !index.manifests.isEmpty) {
            guard let chosen = PlatformMatch.best(index.manifests, for: HostPlatform.current) else {
                throw .noPlatform(reference.description)
            }
            (bytes, digest) = try fetchManifest(client, chosen.digest.description, expected: chosen.digest,
                                                declaredSize: chosen.size, what: reference.description)
        }
        let manifest: ImageManifest
        do { manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(bytes)) } catch {
            throw .badDocument("manifest of \(reference): \(error)")
        }
        do {
            // Absurd sizes are refused before a byte is transferred.
            try BlobLimits.check(manifest.config, limit: BlobLimits.config, what: "the config of \(reference)")
            for layer in manifest.layers {
                try BlobLimits.check(layer, limit: BlobLimits.layer, what: "layer \(layer.digest.short) of \(reference)")
            }
        } catch {
            throw .store(error)
        }
        // A layer listed twice is fetched and unpacked once.
        var listed = Set<Digest>()
        let blobs = ([manifest.config] + manifest.layers).filter { !store.blobs.contains($0.digest) && listed.insert($0.digest).inserted }
        do { try StoreSpace.check(store.layout, needed: blobs.reduce(0) { $0 + $1.size }) } catch { throw .store(error) }
        try download(blobs, layers: Set(manifest.layers.map(\.digest)), config: manifest.config.digest, client: client, store: store)
        do {
            var unpacked = Set<Digest>()
            for layer in manifest.layers where unpacked.insert(layer.digest).inserted {
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

    /// Fetches a manifest or index into memory: at most `BlobLimits.manifest`
    /// bytes (the transfer stops there), and exactly `declaredSize` when an
    /// index declared one.
    func fetchManifest(_ client: RegistryClient, _ ref: String, expected: Digest?, declaredSize: Int64?,
                       what: String) throws(RegistryError) -> ([UInt8], Digest) {
        let limit = BlobLimits.manifest
        if let declaredSize, declaredSize < 0 || declaredSize > limit {
            throw .store(.absurdSize(what: "the manifest of \(what)", declared: declaredSize, limit: limit))
        }
        var request = HTTPRequest(url: client.url("manifests/" + ref),
                                  headers: ["Accept: " + Self.manifestTypes.joined(separator: ", ")])
        request.maxBodySize = declaredSize ?? limit
        let response = try client.send(request)
        if response.exceededLimit {
            if let declaredSize {
                throw .store(.sizeMismatch(what: "the manifest of \(what)", declared: declaredSize, received: declaredSize + 1))
            }
            throw .store(.tooLarge(what: "the manifest of \(what)", limit: limit))
        }
        if response.status == 404 { throw .notFound(what) }
        guard response.status == 200 else { throw .status(code: response.status, what: "the manifest of \(what)") }
        if let declaredSize, Int64(response.body.count) != declaredSize {
            throw .store(.sizeMismatch(what: "the manifest of \(what)", declared: declaredSize, received: Int64(response.body.count)))
        }
        let digest = SHA256.digest(response.body)
        if let expected, expected != digest {
            throw .store(.digestMismatch(expected: expected, actual: digest))
        }
        return (response.body, digest)
    }

    /// Downloads blobs side by side; layers are unpacked as they stream.
    /// Each blob must be exactly the size its descriptor declares: a
    /// transfer is cut off at the first byte beyond it.
    func download(_ blobs: [Descriptor], layers: Set<Digest>, config: Digest, client: RegistryClient,
                  store: ImageStore) throws(RegistryError) {
        guard !blobs.isEmpty else { return }
        var writers: [BlobWriter] = []
        var streams: [StreamingUnpack?] = []
        do {
            for blob in blobs {
                let what = blob.digest == config ? "the config \(blob.digest.short)" : "layer \(blob.digest.short)"
                writers.append(try BlobWriter(layout: store.layout, expected: blob.digest, declaredSize: blob.size, what: what))
                let unpacked = FileSystem.isDirectory(store.layout.layer(blob.digest))
                streams.append(layers.contains(blob.digest) && !unpacked ? try StreamingUnpack(layout: store.layout, digest: blob.digest, userNamespace: store.userNamespace) : nil)
            }
        } catch {
            throw .store(error)
        }
        let total = blobs.reduce(Int64(0)) { $0 + $1.size }
        for blob in blobs { progress.line("copying blob \(blob.digest.short) (\(ByteCount.string(blob.size)))") }
        let failures = SinkFailures(count: blobs.count)
        let sinks: [((UnsafeRawBufferPointer) -> Bool)?] = zip(writers, streams).enumerated().map { index, pair in
            let (writer, stream) = pair
            return { bytes in
                do throws(StoreError) { try writer.append(bytes) } catch {
                    failures.errors[index] = error
                    return false
                }
                stream?.feed(bytes)
                // Its declared size is all there will be (more is refused).
                if writer.size == blobs[index].size { stream?.endInput() }
                progress.advance(by: bytes.count, total: total)
                return true
            }
        }
        let requests = blobs.map { HTTPRequest(url: client.url("blobs/" + $0.digest.description)) }
        let responses = try client.send(requests, sinks: sinks)
        progress.finish()
        let abandon = { () in
            writers.forEach { $0.abort() }
            for stream in streams { _ = try? stream?.finish(verified: false) }
        }
        if let failure = failures.errors.compactMap({ $0 }).first {
            abandon()
            throw .store(failure)
        }
        for (i, response) in responses.enumerated() {
            guard response.status == 200 else {
                abandon()
                throw response.status == 404 ? .notFound("blob \(blobs[i].digest)") : .status(code: response.status, what: "blob \(blobs[i].digest)")
            }
        }
        // The unpackers whose blob was short are waiting for more.
        streams.forEach { $0?.endInput() }
        // Every blob is verified before any layer is published.
        var failure: StoreError?
        var written: [BlobWrite?] = []
        for writer in writers {
            do {
                written.append(try writer.commit())
            } catch {
                failure = failure ?? error
                written.append(nil)
            }
        }
        for (stream, blob) in zip(streams, written) {
            do {
                try stream?.finish(verified: blob != nil && failure == nil)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure {
            // Keep the store as it was: drop the blobs this pull created.
            for case let blob? in written where blob.created { unlink(store.layout.blob(blob.digest)) }
            throw .store(failure)
        }
    }
}

/// The first error each transfer's sink met (the sink can only say "stop").
final class SinkFailures {
    var errors: [StoreError?]
    init(count: Int) { errors = Array(repeating: nil, count: count) }
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

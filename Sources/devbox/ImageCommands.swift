import ArgumentParser
import FoundationEssentials
import ImageStore
import OCI
import Platform

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create a one-layer image from a root filesystem tarball (.tar, .tar.gz, .tar.zst).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The tarball, or - for standard input.", completion: .file()) var file: String
    @Argument(help: "The image's name, e.g. myimage:1.0.") var name: String

    func run() throws {
        let reference = parseReference(name)
        let store = StoreAccess.open(dataRoot: global.dataRoot, session: .write)
        do {
            let image = try RootfsImporter(store: store).importTarball(file, as: reference)
            print(image.manifestDigest)
        } catch {
            failImage(error)
        }
    }
}

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List images in the store.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table

    func run() throws {
        let images = StoreAccess.open(dataRoot: global.dataRoot).images()
        switch format {
        case .json:
            let rows = images.map { ImageSummary(reference: $0.reference, digest: $0.manifestDigest, size: $0.size,
                                                 layers: $0.manifest.layers.count, created: $0.config.created) }
            print(try jsonText(rows))
        case .table:
            var lines = [["REFERENCE", "IMAGE ID", "LAYERS", "SIZE"]]
            for image in images {
                lines.append([image.reference, image.manifestDigest.short, String(image.manifest.layers.count), ByteCount.string(image.size)])
            }
            print(table(lines))
        }
    }
}

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Inspect and manage images.",
        subcommands: [InspectCommand.self, PruneCommand.self, RmiCommand.self])

    struct InspectCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show an image's digest, layers, config and size as JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Image reference or id.", completion: .custom(DynamicCompletion.images)) var reference: String

        func run() throws {
            let store = StoreAccess.open(dataRoot: global.dataRoot)
            do {
                let image = try store.image(reference)
                print(try jsonText(ImageDetails(reference: image.reference, digest: image.manifestDigest, size: image.size,
                                                layers: image.manifest.layers, config: image.config)))
            } catch let error as StoreError {
                failImage(error)
            }
        }
    }

    struct PruneCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove blobs and layers no image or environment uses.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            // Exclusive: waits until no pull, load or import is half-way.
            let store = StoreAccess.open(dataRoot: global.dataRoot, session: .exclusive)
            do {
                let freed = try store.prune(inUse: EnvironmentImages.inUse(dataDir: store.layout.root))
                print("freed \(ByteCount.string(freed))")
            } catch {
                failImage(error)
            }
        }
    }
}

struct RmiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rmi", abstract: "Remove image references (content goes with `devbox image prune`).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image references or ids.", completion: .custom(DynamicCompletion.images)) var references: [String]

    func run() throws {
        // Untagging only: content goes with prune, which keeps what runs use.
        let store = StoreAccess.open(dataRoot: global.dataRoot)
        for reference in references {
            do {
                print("untagged \(try store.remove(reference))")
            } catch {
                failImage(error)
            }
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct ImageSummary: Encodable {
    var reference: String
    var digest: Digest
    var size: Int64
    var layers: Int
    var created: String?
}

struct ImageDetails: Encodable {
    var reference: String
    var digest: Digest
    var size: Int64
    var layers: [Descriptor]
    var config: ImageConfig
}

/// A reference given on the command line; a bad one is a usage error.
func parseReference(_ text: String) -> ImageReference {
    do {
        return try ImageReference(parsing: text)
    } catch {
        fail(error, code: ExitStatus.usage)
    }
}

func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func table(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    let widths = (0..<first.count).map { col in rows.map { $0[col].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 3) }.joined()
    }.joined(separator: "\n")
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from an OCI image layout (directory or tar) or a docker save archive.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The archive or layout directory, or - for a tar on standard input.", completion: .file()) var input: String
    @Argument(help: "Name for the image (the archive must hold one); default: the archive's names.") var name: String?

    func run() throws {
        let reference = name.map(parseReference)
        let store = StoreAccess.open(dataRoot: global.dataRoot, session: .write)
        do {
            let images = try ArchiveLoader(store: store).load(input, name: reference)
            for image in images { print("loaded \(image.reference) \(image.manifestDigest)") }
        } catch {
            failImage(error)
        }
    }
}

struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "save", abstract: "Write an image to a tar file as an OCI image layout.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The tar file to write.") var output: String
    @Argument(help: "Image reference or id.", completion: .custom(DynamicCompletion.images)) var reference: String

    func run() throws {
        let store = StoreAccess.open(dataRoot: global.dataRoot)
        do {
            try ArchiveSaver(store: store).save(try store.image(reference), to: output)
        } catch {
            failImage(error)
        }
    }
}

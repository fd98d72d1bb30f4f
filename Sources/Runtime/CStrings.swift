#if canImport(Glibc)
import Glibc
#endif

/// Owns C copies of strings for the lifetime of one launch.
final class CStrings {
    private var owned: [UnsafeMutablePointer<CChar>] = []

    func copy(_ string: String) -> UnsafePointer<CChar> {
        guard let pointer = strdup(string) else { fatalError("out of memory") }
        owned.append(pointer)
        return UnsafePointer(pointer)
    }

    func copy(_ string: String?) -> UnsafePointer<CChar>? {
        string.map { copy($0) }
    }

    /// A NULL-terminated argv-style array, valid as long as self.
    func array(_ strings: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let buffer = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (i, s) in strings.enumerated() { buffer[i] = copy(s) }
        buffer[strings.count] = nil
        arrays.append(buffer)
        return buffer
    }

    private var arrays: [UnsafeMutablePointer<UnsafePointer<CChar>?>] = []

    deinit {
        owned.forEach { free($0) }
        arrays.forEach { $0.deallocate() }
    }
}

/// A waitpid(2) status as a shell reports it: the exit code, or 128+N for
/// a death by signal N.
public enum WaitStatus {
    public static func exitCode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

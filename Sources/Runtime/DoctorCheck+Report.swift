extension DoctorCheck {
    /// A line for checks made outside this module (the storage probe's,
    /// which `devbox doctor` adds).
    public static func line(_ name: String, _ status: Status, _ detail: String, fix: String?) -> DoctorCheck {
        DoctorCheck(name: name, status: status, detail: detail, fix: fix)
    }
}

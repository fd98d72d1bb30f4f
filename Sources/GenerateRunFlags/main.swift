import Project

// `make run-flags`: writes Sources/devbox/RunFlagOptions.swift from the table.
print(RunFlagSource.render(typeName: "RunFlagOptions", command: .run), terminator: "")

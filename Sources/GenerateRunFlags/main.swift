import Project

// `make run-flags`: writes Sources/devbox/{Run,Create,Exec}FlagOptions.swift
// from the table: `GenerateRunFlags run|create|exec`.
let which = CommandLine.arguments.dropFirst().first ?? "run"
switch which {
case "create": print(RunFlagSource.render(typeName: "CreateFlagOptions", command: .create), terminator: "")
case "exec": print(RunFlagSource.render(typeName: "ExecFlagOptions", command: .exec), terminator: "")
default: print(RunFlagSource.render(typeName: "RunFlagOptions", command: .run), terminator: "")
}

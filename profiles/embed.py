#!/usr/bin/env python3
"""Writes Sources/Profiles/BuiltinProfiles.swift from profiles/*.toml, so a
lone devbox binary has the shipped profiles (make profiles; a test fails
when the two drift).

Each profile is embedded twice: its text (for `devbox profile show` and
the drift test) and the values it sets, as Swift code, so that `devbox run`
does not parse TOML on every start. A unit test checks that the parser reads
each text to exactly these values."""
import json
import os
import sys
import tomllib

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "Sources", "Profiles", "BuiltinProfiles.swift")

# TOML key -> ProfileFile property, as ProfileParser maps them.
TOP = {"description": "description", "extends": "extends", "no_new_privileges": "noNewPrivileges",
       "network": "network", "read_only_root": "readOnlyRoot", "read_only_project": "readOnlyProject",
       "nested_user_namespaces": "nestedUserNamespaces"}
TABLES = {("capabilities", "keep"): "capabilitiesKeep", ("capabilities", "add"): "capabilitiesAdd",
          ("capabilities", "drop"): "capabilitiesDrop", ("paths", "masked"): "maskedPaths",
          ("paths", "read_only"): "readOnlyPaths", ("seccomp", "default_action"): "seccompDefault",
          ("seccomp", "errno"): "seccompErrno", ("seccomp", "deny"): "seccompDeny"}


def swift(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(swift(v) for v in value) + "]"
    sys.exit(f"embed.py: cannot embed {value!r}")


def assignments(name, data):
    lines = []
    for key, value in data.items():
        if key in TOP:
            lines.append(f"p.{TOP[key]} = {swift(value)}")
        elif key == "rlimits":
            for limit, (soft, hard) in value.items():
                lines.append(f'p.rlimits[{swift(limit)}] = ({soft}, {hard})')
        elif key == "env":
            for var, text in value.items():
                lines.append(f"p.environment[{swift(var)}] = {swift(text)}")
        elif isinstance(value, dict):
            for sub, item in value.items():
                if (key, sub) not in TABLES:
                    sys.exit(f"embed.py: {name}.toml: [{key}] {sub} cannot be embedded")
                lines.append(f"p.{TABLES[(key, sub)]} = {swift(item)}")
        else:
            sys.exit(f"embed.py: {name}.toml: unknown key {key}")
    return lines


names = sorted(f[:-5] for f in os.listdir(here) if f.endswith(".toml"))
texts = {name: open(os.path.join(here, name + ".toml")).read() for name in names}
lines = ["// Generated from profiles/*.toml by profiles/embed.py (make profiles). Do not edit.",
         "public enum BuiltinProfiles {", "    public static let sources: [String: String] = ["]
for name in names:
    lines.append(f'        "{name}": #"""\n{texts[name]}\n"""#,')
lines += ["    ]", "",
          "    /// The values each built-in profile sets, as ProfileParser reads them.",
          "    public static func file(_ name: String) -> ProfileFile? {",
          "        var p = ProfileFile()", "        switch name {"]
for name in names:
    lines.append(f'        case "{name}":')
    lines += ["            " + line for line in assignments(name, tomllib.loads(texts[name]))]
lines += ["        default:", "            return nil", "        }", "        return p", "    }", "}", ""]
open(out, "w").write("\n".join(lines))

#!/usr/bin/env python3
"""Writes Sources/Profiles/BuiltinProfiles.swift from profiles/*.toml, so a
lone devbox binary has the shipped profiles (make profiles; a test fails
when the two drift)."""
import os
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "Sources", "Profiles", "BuiltinProfiles.swift")
lines = ["// Generated from profiles/*.toml by profiles/embed.py (make profiles). Do not edit.",
         "public enum BuiltinProfiles {", "    public static let sources: [String: String] = ["]
for name in sorted(f[:-5] for f in os.listdir(here) if f.endswith(".toml")):
    text = open(os.path.join(here, name + ".toml")).read()
    lines.append(f'        "{name}": #"""\n{text}\n"""#,')
lines += ["    ]", "}", ""]
open(out, "w").write("\n".join(lines))

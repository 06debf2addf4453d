#!/usr/bin/env python3
"""Finds the bundle's functions behind JavaScriptCore's code block names.

JavaScriptCore names a compiled function `inferredName#HASH` in its reports
(JSC_reportDFGCompileTimes=1 and the like) and its allow-lists (JSC_dfgAllowlist). HASH is the
first four bytes of the SHA-1 of the function's source text, little-endian, xor 1 for a
constructor call, written as six base-62 digits (WebKit's bytecode/CodeBlockHash.cpp). A minified
bundle's names say little, so this hashes each candidate function of the bundle (from its
parameter list, or from the name of a one-parameter arrow, to the end of its body) and prints
where each name of the list is.

Usage: jsc-code-block-hashes.py NAMES_FILE BUNDLE_DIR
  NAMES_FILE: one `name#HASH` a line; BUNDLE_DIR: the built UI's assets (ui/dist/assets).
A name found nowhere is JavaScriptCore's own (its builtins: map, promiseReactionJob, ...) or a
script the app injects (Tauri's IPC), or a function this scan does not cut out the same way.
"""

import glob
import hashlib
import os
import re
import sys

DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def base62(value: int) -> str:
    out = []
    for _ in range(6):
        out.append(DIGITS[value % 62])
        value //= 62
    return "".join(reversed(out))


def code_block_hashes(source: bytes) -> set[str]:
    """The hash of `source` called as a function and as a constructor."""
    digest = hashlib.sha1(source).digest()
    value = int.from_bytes(digest[:4], "little")
    return {base62(value or 1), base62((value ^ 1) or 1)}


def bracket_pairs(src: str) -> dict[int, int]:
    """Each opening bracket's position → its closing one's, skipping strings, template text and
    block comments. Regular expression literals are not recognised: a bracket inside one can
    pair wrongly, which only costs the functions around it."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    templates: list[int] = []  # stack depth at each open `${`
    i, n = 0, len(src)

    def template_text(j: int) -> int:
        """From inside a template literal's text to past its end or past its next `${`."""
        while j < n and src[j] != "`":
            if src[j] == "\\":
                j += 2
                continue
            if src.startswith("${", j):
                templates.append(len(stack))
                return j + 2
            j += 1
        return j + 1

    while i < n:
        c = src[i]
        if c in "'\"":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
        elif c == "`":
            i = template_text(i + 1)
        elif c == "}" and templates and templates[-1] == len(stack):
            templates.pop()
            i = template_text(i + 1)
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            if c in "({[":
                stack.append(i)
            elif c in ")}]" and stack:
                pairs[stack.pop()] = i
            i += 1
    return pairs


def expression_end(src: str, pairs: dict[int, int], i: int) -> int:
    """The end of an arrow function's expression body starting at `i`."""
    while i < len(src):
        if src[i] in "([{" and i in pairs:
            i = pairs[i] + 1
        elif src[i] in ",;)}]":
            break
        else:
            i += 1
    return i


def body_end(src: str, pairs: dict[int, int], i: int) -> int | None:
    """The end of a function body (a block, or an arrow's expression) following position `i`."""
    while i < len(src) and src[i] == " ":
        i += 1
    if i < len(src) and src[i] == "{":
        return pairs[i] + 1 if i in pairs else None
    if src.startswith("=>", i):
        i += 2
        if i < len(src) and src[i] == "{":
            return pairs[i] + 1 if i in pairs else None
        return expression_end(src, pairs, i)
    return None


def candidates(src: str):
    """(start, end) of every function-like text: `(params){body}`, `(params)=>...`, `x=>...`."""
    pairs = bracket_pairs(src)
    for open_paren, close_paren in pairs.items():
        if src[open_paren] != "(":
            continue
        end = body_end(src, pairs, close_paren + 1)
        if end is not None:
            yield open_paren, end
    for arrow in re.finditer(r"(?<![\w$.])[\w$]+=>", src):
        end = body_end(src, pairs, arrow.end() - 2)
        if end is not None:
            yield arrow.start(), end


def main() -> None:
    names_file, bundle_dir = sys.argv[1:3]
    names = [line.strip() for line in open(names_file, encoding="utf-8") if "#" in line]
    wanted = {name.rsplit("#", 1)[1] for name in names}
    found: dict[str, list[str]] = {}
    for path in sorted(glob.glob(os.path.join(bundle_dir, "*.js"))):
        src = open(path, encoding="utf-8").read()
        encoded = src.encode("utf-8")
        byte_at = [0]
        for ch in src:
            byte_at.append(byte_at[-1] + len(ch.encode("utf-8")))
        for start, end in candidates(src):
            for code_hash in code_block_hashes(encoded[byte_at[start] : byte_at[end]]):
                if code_hash in wanted:
                    found.setdefault(code_hash, []).append(f"{os.path.basename(path)}@{start}: {src[start:end][:100]}")
    for name in names:
        places = found.get(name.rsplit("#", 1)[1], [])
        print(f"{name}\t{len(places)}\t" + (" | ".join(places[:2]) if places else "-"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the controller's linker symbol-ordering file from a callgrind profile.

Every function the profiled run executed is listed, hottest first (by its own instruction
count), so the image's linker (`--symbol-ordering-file`) packs the code the controller runs into a
few contiguous megabytes instead of leaving it scattered over 15 MB of text, where each first
touch maps a whole 64 KB fault-around window.

A function inside a precompiled library's monolithic `.text` section (Swift's static runtime
libraries are not built with function sections) drags that whole section along, so such a
section is kept only when the functions run there are dense enough (at most 32 KB of section per
executed function, or a section of 64 KB or less); otherwise its functions are left out.

A callgrind run misses some functions that a real run executes (startup under other timing,
paths that 1,000 TaskQueues take and a slowed-down run under valgrind does not). `--faults` adds
them: given `perf script -F ip,sym,symoff,addr,dso` of a `perf record -e page-faults -c 1 -d` run
of the linked binary, every function whose instruction fetch faulted a page of the binary's text
in, and that the file does not list yet, is appended. A fetch outside every named function (one
with an assembler-local name, `.L…`, which no ordering file can name; the image's linker script
`private-text.ld` keeps those together) adds nothing: it is counted apart.

usage: text-order.py --callgrind FILE --binary FILE --map LINKMAP --out FILE [--object NAME]
       text-order.py --faults PERF_SCRIPT_TEXT --binary FILE --out FILE
"""
import argparse
import bisect
import collections
import re
import subprocess


def callgrind_functions(path):
    """(object, function) pairs the run executed, with their own instruction counts."""
    names, objects = {}, {}
    cost = collections.Counter()
    seen = set()
    current_object = current_function = call_object = None
    skip_call_cost = False

    def ref(text, table):
        m = re.match(r'\((\d+)\)(?:\s+(.*))?', text)
        if not m:
            return text
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1))

    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if skip_call_cost:  # the line after calls= is the call's inclusive cost
                skip_call_cost = False
                continue
            if line.startswith('ob='):
                current_object = ref(line[3:], objects)
            elif line.startswith('fn='):
                current_function = (current_object, ref(line[3:], names))
                seen.add(current_function)
                call_object = None
            elif line.startswith('cob='):
                call_object = ref(line[4:], objects)
            elif line.startswith('cfn='):
                seen.add((call_object or current_object, ref(line[4:], names)))
            elif line.startswith('calls='):
                skip_call_cost = True
                call_object = None
            elif current_function and line[:1] and (line[0].isdigit() or line[0] in '+-*'):
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    cost[current_function] += int(parts[1])
    return seen, cost


def text_symbols(binary, sizes=None):
    """Function name -> address; fills `sizes` (name -> size) where nm knows the size."""
    out = subprocess.run(['nm', '-S', '--defined-only', binary], capture_output=True, text=True, check=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in 'tTwW':
            symbols[parts[3]] = int(parts[0], 16)
            if sizes is not None:
                sizes[parts[3]] = int(parts[1], 16)
        elif len(parts) == 3 and parts[1] in 'tTwW':
            symbols[parts[2]] = int(parts[0], 16)
    return symbols


def input_sections(link_map):
    """(address, size, name) of every input section placed in .text, sorted by address."""
    rows = []
    pattern = re.compile(r'\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+\S.*?:\((\.text[^)]*)\)')
    with open(link_map) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                rows.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    rows.sort()
    return rows


def add_faulting_functions(faults, binary, out):
    """Appends to `out` the functions of `binary` whose instruction fetch faulted (see above)."""
    listed = [line.strip() for line in open(out) if line.strip()]
    known = set(listed)
    sizes = {}
    by_address = sorted((address, name) for name, address in text_symbols(binary, sizes).items())
    addresses = [a for a, _ in by_address]
    first_address = {}
    for address, name in by_address:
        first_address.setdefault(name, address)
    binary_name = binary.rsplit('/', 1)[-1]
    line_pattern = re.compile(r'\s*([0-9a-f]+) (.*?) \((.*?)\)\s+([0-9a-f]+) (.*?) \((.*?)\)\s*$')
    fetches, base = [], None
    with open(faults, errors='replace') as f:
        for line in f:
            m = line_pattern.match(line)
            if not m:
                continue
            address, _, _, ip, symbol, dso = m.groups()
            if address != ip or not dso.endswith(binary_name):
                continue  # a data access, or another object
            fetches.append(int(ip, 16))
            offset = re.match(r'(.*)\+0x([0-9a-f]+)$', symbol)
            if base is None and offset and offset.group(1) in first_address:
                base = int(ip, 16) - first_address[offset.group(1)] - int(offset.group(2), 16)
    if base is None:
        raise SystemExit(f'no instruction fetch of {binary_name} in {faults}')
    added, unnamed = [], 0
    for ip in fetches:
        i = bisect.bisect_right(addresses, ip - base) - 1
        if i < 0:
            continue
        address, name = by_address[i]
        if name in sizes and ip - base >= address + max(sizes[name], 1):
            unnamed += 1  # past the end of the function before it: a `.L…` function
            continue
        if name not in known:
            known.add(name)
            added.append(name)
    with open(out, 'w') as f:
        f.write(''.join(n + '\n' for n in listed + added))
    print(f'{len(fetches)} text pages faulted in by instruction fetches ({unnamed} in functions without a name); '
          f'{len(added)} functions added to {out}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--callgrind')
    parser.add_argument('--faults')
    parser.add_argument('--binary', required=True)
    parser.add_argument('--map')
    parser.add_argument('--out', required=True)
    parser.add_argument('--object', help='file name of the profiled executable (default: that of --binary)')
    args = parser.parse_args()
    if args.faults:
        return add_faulting_functions(args.faults, args.binary, args.out)
    if not args.callgrind or not args.map:
        parser.error('--callgrind and --map are needed (or --faults)')

    seen, cost = callgrind_functions(args.callgrind)
    binary_name = args.object or args.binary.rsplit('/', 1)[-1]
    symbols = text_symbols(args.binary)
    own_cost = collections.Counter()
    for (obj, name) in seen:
        if obj and obj.rsplit('/', 1)[-1] == binary_name and name in symbols:
            own_cost[name] = max(own_cost[name], cost[(obj, name)])
    sections = input_sections(args.map)
    starts = [row[0] for row in sections]

    def section_of(name):
        i = bisect.bisect_right(starts, symbols[name]) - 1
        return sections[i] if i >= 0 else None

    executed_in = collections.Counter(section_of(n) for n in own_cost)
    kept, dropped_sections = [], set()
    for name in own_cost:
        section = section_of(name)
        if section and section[2] == '.text':  # a whole object's code in one section
            size = section[1]
            if size > 64 * 1024 and size / executed_in[section] > 32 * 1024:
                dropped_sections.add(section)
                continue
        kept.append(name)
    kept.sort(key=lambda n: (-own_cost[n], n))
    with open(args.out, 'w') as f:
        f.write(''.join(n + '\n' for n in kept))
    code = sum(s[1] for s in {section_of(n) for n in kept} if s)
    print(f'{len(own_cost)} functions of {binary_name} ran; {len(kept)} listed in {args.out} '
          f'({code // 1024} kB of sections); left out: {len(own_cost) - len(kept)} in '
          f'{len(dropped_sections)} sparse library sections '
          f'({sum(s[1] for s in dropped_sections) // 1024} kB)')


if __name__ == '__main__':
    main()

"""Fill a .po catalogue from a {msgid: msgstr} table (a list for plural forms); report what is missing.

Usage: python scripts/fill_po.py path/to/django.po table.py   (table.py defines T = {...})
"""

import runpy
import sys

import polib


def main(po_path, table_path):
    table = runpy.run_path(table_path)["T"]
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        # An entry with a context (pgettext) is filled only from "context\x04msgid", never from the plain msgid.
        value = table.get(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
        if value is None:
            if not entry.translated():
                missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(max(1, len(forms)))}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(po_path)
    for msgid in missing:
        print("MISSING:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

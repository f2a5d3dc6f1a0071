#!/usr/bin/env bash
# Rebuild every zh_Hans catalogue from the code: collect the messages (makemessages), fill them from
# the translation tables in scripts/translations/*.py (each work item keeps its own table, so parallel
# branches never fight over .po files: a conflicted catalogue is rebuilt, not merged by hand), report
# what is still untranslated, and compile the .mo files that are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static \
    --ignore=staticfiles --ignore=var --ignore=bench >/dev/null
# A table fills only what a catalogue lacks (untranslated or fuzzy): tables of different apps may word
# the same English differently ("Name": 名称 for an area, 姓名 for a person), and an existing
# translation is never overwritten by another app's table.
$PY - locale/zh_Hans/LC_MESSAGES/django.po */locale/zh_Hans/LC_MESSAGES/django.po <<'PYEOF'
import glob, runpy, sys
import polib
tables = [runpy.run_path(t)["T"] for t in sorted(glob.glob("scripts/translations/*.py"))]
for path in sys.argv[1:]:
    po = polib.pofile(path)
    for entry in po:
        if entry.translated() and "fuzzy" not in entry.flags:
            continue
        # an entry with a context (pgettext) is filled only from "context\x04msgid", never the plain msgid
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = next((t[key] for t in tables if key in t), None)
        if value is None:
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = {0: forms[0]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    if missing:
        print(f"{path}: {len(missing)} untranslated or fuzzy:", *missing[:20], sep="\n  ")
PYEOF
$PY manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null

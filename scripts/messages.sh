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
for po in locale/zh_Hans/LC_MESSAGES/django.po */locale/zh_Hans/LC_MESSAGES/django.po; do
    for table in scripts/translations/*.py; do
        $PY scripts/fill_po.py "$po" "$table" >/dev/null
    done
    $PY - "$po" <<'PYEOF'
import sys, polib
po = polib.pofile(sys.argv[1])
missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
if missing:
    print(f"{sys.argv[1]}: {len(missing)} untranslated or fuzzy:", *missing[:20], sep="\n  ")
PYEOF
done
$PY manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null

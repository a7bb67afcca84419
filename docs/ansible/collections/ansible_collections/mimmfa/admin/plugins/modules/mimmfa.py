# -*- coding: utf-8 -*-
# Copyright: the mimmfa developers. MIT OR Apache-2.0.
# The documentation of the mimmfa.admin.mimmfa action; the work is done by
# plugins/action/mimmfa.py on the controller, which runs the mimmfa CLI on
# the target through the command module of the target's platform.
from __future__ import annotations

DOCUMENTATION = r"""
module: mimmfa
short_description: Run mimmfa on a MIM server, with check and diff mode
description:
  - Runs the mimmfa command-line tool on the target with C(--json), using
    C(ansible.windows.win_command) on Windows hosts and
    C(ansible.builtin.command) elsewhere.
  - In check mode, changing commands run with C(--dry-run), so nothing is
    written and the result says whether the run would change anything.
  - In diff mode, returns the masked before and after of MfaSettings.xml.
options:
  command:
    description: The mimmfa command, e.g. C(provider set), C(sdk apply), C(restore), C(validate).
    type: str
    required: true
  args:
    description: Arguments after the command (the DLL, the zip, a backup id...).
    type: list
    elements: str
    default: []
  service_dir:
    description: The MIM Service folder (C(--service-dir)); by default the stock folder on Windows.
    type: str
  executable:
    description: The mimmfa binary on the target.
    type: str
    default: mimmfa
  wait:
    description: Seconds mimmfa waits for another mimmfa that holds the lock (C(--wait)) before it fails with exit 4.
    type: int
    default: 30
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
author: the mimmfa developers
"""

EXAMPLES = r"""
- name: Switch to the custom phone provider (backs up first)
  mimmfa.admin.mimmfa:
    executable: 'C:\Tools\mimmfa.exe'
    command: provider set
    args: ['C:\Drop\CustomPhoneGate.dll']
  register: switch

- name: Audit before the restart
  mimmfa.admin.mimmfa:
    command: validate
"""

RETURN = r"""
changed:
  description: Whether mimmfa changed (in check mode, would change) the folder.
  type: bool
  returned: always
msg:
  description: mimmfa's one-line summary.
  type: str
  returned: always
rc:
  description: mimmfa's exit code (0 ok, 1 findings, 2 usage, 3 refused, 4 busy).
  type: int
  returned: always
backup_file:
  description: The snapshot taken before the change, if any.
  type: str
  returned: when mimmfa took one
findings:
  description: The findings of the checks (code, severity, message, hint...).
  type: list
  returned: always
diff:
  description: Masked before/after of MfaSettings.xml (with --diff).
  type: dict
  returned: when the settings change and diff mode is on
mimmfa:
  description: mimmfa's whole JSON document.
  type: dict
  returned: when mimmfa printed one
"""

if __name__ == "__main__":
    import json
    print(json.dumps({"failed": True, "msg": "mimmfa.admin.mimmfa is an action: run it from a playbook"}))

# -*- coding: utf-8 -*-
# Copyright: the mimmfa developers. MIT OR Apache-2.0.
"""mimmfa.admin.mimmfa: run the mimmfa CLI on the target and turn its JSON
into an Ansible result (changed, diff, failed, msg, backup_file, findings).

Check mode is mimmfa's own --dry-run: the command module is run for real
(it would otherwise be skipped), with --dry-run added to every command that
changes files, so --check previews exactly what a real run would do."""
from __future__ import annotations

import json
import time

from ansible.plugins.action import ActionBase

# Commands that change files, and so take --dry-run in check mode.
CHANGING = ("backup", "backup prune", "backup repair", "restore", "sdk apply",
            "provider set", "provider clear")
EXIT_BUSY = 4


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("command", "args", "service_dir", "executable",
                             "busy_retries", "busy_delay"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        a = self._task.args
        command = str(a.get("command") or "").split()
        if not command:
            return dict(result, failed=True, msg="mimmfa.admin.mimmfa needs command, e.g. command: provider set")
        argv = [str(a.get("executable") or "mimmfa")]
        if a.get("service_dir"):
            argv += ["--service-dir", str(a["service_dir"])]
        argv += command + [str(x) for x in (a.get("args") or [])] + ["--json"]
        check = bool(self._task.check_mode)
        if check and " ".join(command) in CHANGING:
            argv.append("--dry-run")

        windows = getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell"
        module = "ansible.windows.win_command" if windows else "ansible.legacy.command"
        retries, delay = int(a.get("busy_retries", 3)), int(a.get("busy_delay", 5))
        saved, self._task.check_mode = self._task.check_mode, False
        try:
            for attempt in range(retries + 1):
                run = self._execute_module(module_name=module, module_args={"argv": argv},
                                           task_vars=task_vars)
                if run.get("rc") != EXIT_BUSY or attempt == retries:
                    break
                time.sleep(delay)
        finally:
            self._task.check_mode = saved

        rc = run.get("rc")
        result["rc"] = rc
        try:
            doc = json.loads(run.get("stdout") or "")
        except ValueError:
            # No JSON: mimmfa did not run (not found, not executable) or
            # died; say what the target said, not a JSON parser's error.
            said = (run.get("stderr") or run.get("msg") or run.get("stdout") or "").strip()
            return dict(result, failed=True, changed=False,
                        msg="mimmfa printed no JSON (exit %s): %s" % (rc, said or "no output"))
        result["mimmfa"] = doc
        result["changed"] = bool(doc.get("changed"))
        result["msg"] = doc.get("msg") or ""
        result["findings"] = doc.get("findings") or []
        if doc.get("backup_file"):
            result["backup_file"] = doc["backup_file"]
        if doc.get("warnings"):
            result["warnings"] = list(doc["warnings"])
        diff = doc.get("diff")
        if self._task.diff and diff:
            name = doc.get("settings_file") or "MfaSettings.xml"
            result["diff"] = dict(before=diff.get("before", ""), after=diff.get("after", ""),
                                  before_header=name, after_header=name)
        if rc != 0:
            result["failed"] = True
            if rc == EXIT_BUSY:
                result["msg"] = "%s (still busy after %d retries)" % (result["msg"], retries)
        return result

# -*- coding: utf-8 -*-
# Copyright: the mimmfa developers. MIT OR Apache-2.0.
"""mimmfa.admin.mimmfa: run the mimmfa CLI on the target and turn its JSON
into an Ansible result (changed, diff, failed, msg, backup_file, findings).

Check mode is mimmfa's own --dry-run: the command module is run for real
(it would otherwise be skipped), with --dry-run added to every command that
changes files, so --check previews exactly what a real run would do."""
from __future__ import annotations

import json

from ansible.plugins.action import ActionBase

# Commands that change files, and so take --dry-run in check mode.
CHANGING = ("backup", "backup prune", "backup repair", "restore", "sdk apply",
            "provider set", "provider clear")
EXIT_BUSY = 4


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("command", "args", "service_dir", "executable", "wait"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        a = self._task.args
        command = str(a.get("command") or "").split()
        if not command:
            return dict(result, failed=True, msg="mimmfa.admin.mimmfa needs command, e.g. command: provider set")
        executable = str(a.get("executable") or "mimmfa")
        wait = int(a.get("wait", 30))
        # mimmfa waits for another mimmfa itself (--wait), then exits 4.
        argv = [executable, "--wait", str(wait)]
        if a.get("service_dir"):
            argv += ["--service-dir", str(a["service_dir"])]
        argv += command + [str(x) for x in (a.get("args") or [])] + ["--json"]
        check = bool(self._task.check_mode)
        if check and " ".join(command) in CHANGING:
            argv.append("--dry-run")

        windows = getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell"
        module = "ansible.windows.win_command" if windows else "ansible.legacy.command"
        saved, self._task.check_mode = self._task.check_mode, False
        try:
            run = self._execute_module(module_name=module, module_args={"argv": argv},
                                       task_vars=task_vars)
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
            if rc is None or rc in (2, 126, 127) and not run.get("stdout"):
                said = "cannot run %s (set executable: to the mimmfa binary's path): %s" % (
                    executable, said or "not found")
            return dict(result, failed=True, changed=False,
                        msg="mimmfa printed no JSON (exit %s): %s" % (rc, said or "no output"))
        result["mimmfa"] = doc
        result["changed"] = bool(doc.get("changed"))
        result["msg"] = doc.get("msg") or ""
        findings = list(doc.get("findings") or [])
        for folder in doc.get("results") or []:  # validate of several folders
            findings += folder.get("findings") or []
        result["findings"] = findings
        if doc.get("backup_file"):
            result["backup_file"] = doc["backup_file"]
        # What a playbook run shows: each error in msg, each warning as a
        # task warning (a warning finding too, not only mimmfa's own lines).
        errors = ["[%s] %s (fix: %s)" % (f.get("code"), f.get("message"), f.get("hint"))
                  for f in findings if f.get("severity") == "error"]
        warnings = list(doc.get("warnings") or [])
        warnings += ["[%s] %s (fix: %s)" % (f.get("code"), f.get("message"), f.get("hint"))
                     for f in findings if f.get("severity") == "warning"]
        if warnings:
            result["warnings"] = warnings
        diff = doc.get("diff")
        if self._task.diff and diff:
            name = doc.get("settings_file") or "MfaSettings.xml"
            result["diff"] = dict(before=diff.get("before", ""), after=diff.get("after", ""),
                                  before_header=name, after_header=name)
        if rc != 0:
            result["failed"] = True
            if errors:
                result["msg"] = "%s; %s" % (result["msg"], "; ".join(errors))
            if rc == EXIT_BUSY:
                result["msg"] = "%s (still busy after waiting %d s: raise wait:)" % (result["msg"], wait)
        return result

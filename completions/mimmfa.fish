# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mimmfa_global_optspecs
    string join \n s/service-dir= settings= backup-dir= format= json color= show-secrets y/yes q/quiet v/verbose path-map= wait= windows-service-dir= gac= h/help V/version
end

function __fish_mimmfa_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mimmfa_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mimmfa_using_subcommand
    set -l cmd (__fish_mimmfa_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mimmfa -n "__fish_mimmfa_needs_command" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -s V -l version -d 'Print version'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "status" -d 'The active mode, each setting (secrets masked), and the newest backup'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "validate" -d 'Every check of the settings file and what it points to'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "backup" -d 'Copy the settings file into the backup folder (or list / prune backups)'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "restore" -d 'Put a backup back in place (checksum verified; the current file is backed up first)'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "diff" -d 'Unified diff between two versions (ids, `latest`, `current`), secrets masked'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "sdk" -d 'The Azure MFA SDK zip: inspect it, or apply it to MfaSettings.xml'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "provider" -d 'A custom phone provider DLL: make its project, check it, switch to it, or clear it'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "setup" -d 'An interactive wizard: custom provider, SDK zip, or restore (terminal only)'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "events" -d 'Known MFA failures in the MIM Service\'s event logs, each with its check and fix (after a restart)'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "explain" -d 'A check\'s full entry: why it matters, how to fix it, an example'
complete -c mimmfa -n "__fish_mimmfa_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand status" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l dirs-from -d 'Read more folders from FILE, one per line (`-`: stdin); for fleets too large for a command line (Windows allows 32,767 characters)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l expiry-warning-days -d 'Warn when the certificate expires within N days' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l strict -d 'Fail (exit 1) on warnings too'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l deep -d 'Verify every file in the backup folder (MFA051, MFA061); by default only the newest 10 snapshots of this settings file'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l summary -d 'One line per folder (ok / warnings / FAIL and the codes) and the totals; the default for several folders (-v adds each finding)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand validate" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l label -d 'A note stored with the backup' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l dry-run -d 'Do every check and show the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -f -a "list" -d 'The backups of this settings file, newest first, with what each holds'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -f -a "repair" -d 'Rebuild a damaged index.json from the backups present (each verified), and quarantine damaged stored files'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -f -a "adopt" -d 'Claim the backups of a renamed or rebuilt server (or a moved folder) for this settings file'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and not __fish_seen_subcommand_from list repair adopt prune" -f -a "prune" -d 'Delete all but the newest N backups'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l all -d 'Every backup in the folder, of any settings file or server sharing it'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l dry-run -d 'Do every check and show the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l from-host -d 'The host name the backups were taken on (`mimmfa backup list --all` shows it)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l from-path -d 'The settings path they were taken of [default: this settings file\'s]' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l dry-run -d 'Do every check and show the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from adopt" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l keep -d 'How many of this settings file\'s newest backups to keep (1 or more)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l dry-run -d 'Do every check and show the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand backup; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l dry-run -d 'Make the plan, check and judge it, show it and the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l force -d 'Make the change even if the state it leaves has new errors (listed), and replace read-only files (with `provider set`: also switch to a DLL that fails its checks)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand restore" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand diff" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -f -a "inspect" -d 'What the Azure MFA SDK zip holds, and whether MIM can use it'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and not __fish_seen_subcommand_from inspect apply" -f -a "apply" -d 'Write the SDK\'s keys and certificate into the service folder'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l username -d 'Username to set (replaces the file\'s value; without it the file\'s is kept)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l country-code -d 'DefaultCountryCode to set, digits, no + (replaces the file\'s value; without it the file\'s is kept)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l cert-dir -d 'Where to put cert_key.p12 [default: <service-dir>/MfaCerts]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l dry-run -d 'Make the plan, check and judge it, show it and the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l force -d 'Make the change even if the state it leaves has new errors (listed), and replace read-only files (with `provider set`: also switch to a DLL that fails its checks)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand sdk; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -f -a "set" -d 'Check a DLL, copy it into the service folder and make it the phone provider'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -f -a "clear" -d 'Empty the CustomPhoneProvider entry'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -f -a "contract" -d 'Name the MIM assemblies that define IPhoneServiceProvider and ISmsServiceProvider: what a provider project must reference'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -f -a "new" -d 'Write a C# project for a custom phone provider (or SMS provider, with --sms) that references the Service folder\'s contract'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and not __fish_seen_subcommand_from set clear contract new check" -f -a "check" -d 'The DLL checks alone (phone provider, or SMS provider with --sms)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l no-copy -d 'Use the DLL where it is instead of copying it into the service folder'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l dry-run -d 'Make the plan, check and judge it, show it and the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l force -d 'Make the change even if the state it leaves has new errors (listed), and replace read-only files (with `provider set`: also switch to a DLL that fails its checks)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l dry-run -d 'Make the plan, check and judge it, show it and the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l force -d 'Make the change even if the state it leaves has new errors (listed), and replace read-only files (with `provider set`: also switch to a DLL that fails its checks)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from contract" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l out -d 'Where to write the project [default: ./NAME]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l sms -d 'An SSPR SMS provider: ISmsServiceProvider first, built as SmsServiceProvider.dll'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l dry-run -d 'Do every check and show the diff, but touch nothing'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l sms -d 'Check as an SSPR SMS provider (ISmsServiceProvider first); automatic for SmsServiceProvider.dll'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand provider; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand setup" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l since -d 'Only events this recent: 10m, 2h, 3d (s, m, h, d), or a time such as 2026-11-23T14:00:00Z' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand events" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l list -d 'Every code with its severity and title'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand explain" -s h -l help -d 'Print help'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -s s -l service-dir -d 'The MIM Service folder [default: $MIMMFA_SERVICE_DIR, on Windows the stock install folder]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l settings -d 'The settings file [default: <service-dir>/MfaSettings.xml]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l backup-dir -d 'Where backups live [default: <service-dir>/MfaBackups]' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l format -d 'Output format (`sarif` is for `validate` only)' -r -f -a "human\t''
json\t''
sarif\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l path-map -d 'Resolve Windows paths starting with FROM under TO (repeatable)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l wait -d 'Wait up to SECONDS for another mimmfa changing the same files, then work (or exit 4)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l windows-service-dir -d 'The service folder as the MIM server sees it, when not the stock one (written into the file)' -r
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l gac -d 'A copy of the server\'s .NET 4 GAC (%WINDIR%\\Microsoft.NET\\assembly), where provider DLLs\' references are also bound (on Windows the machine\'s own is used)' -r -F
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l json -d 'Short for --format json'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -l show-secrets -d 'Print secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD) instead of masking them'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -s q -l quiet -d 'Less human output (never changes JSON)'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -s v -l verbose -d 'More human output (never changes JSON); repeatable, one level so far'
complete -c mimmfa -n "__fish_mimmfa_using_subcommand completions" -s h -l help -d 'Print help'

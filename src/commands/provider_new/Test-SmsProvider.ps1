<#
.SYNOPSIS
Tries SmsServiceProvider.dll the way the MIM Service uses it, before any restart of the service.

.DESCRIPTION
Copies the built DLL, its settings file and the MIM contract assembly into a temp folder (as
they sit together in the Service folder), loads the DLL with Assembly.LoadFrom, creates
{{NAME}}.SmsServiceProvider with its parameterless constructor and calls SendSms with the
test number. Run it in 64-bit Windows PowerShell 5.1 (powershell.exe), which runs on the .NET
Framework 4 CLR as the MIM Service does. Made by `mimmfa provider new --sms`.

.EXAMPLE
.\Test-Provider.ps1 -PhoneNumber '+1 425 555 0100'
#>
param(
    [Parameter(Mandatory = $true)] [string] $PhoneNumber,
    [string] $Message = 'mimmfa test: 123456',
    [string] $Dll = (Join-Path $PSScriptRoot 'bin\Release\net48\SmsServiceProvider.dll'),
    [string] $Contract = '{{CONTRACT_WINDOWS_PATH}}'
)
$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSEdition -eq 'Core' -or -not [Environment]::Is64BitProcess) {
    throw 'Run this in 64-bit Windows PowerShell 5.1 (powershell.exe): the MIM Service is a 64-bit .NET Framework process'
}
foreach ($file in @($Dll, $Contract)) {
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { throw "$file not found (build first: dotnet build -c Release)" }
}
$work = Join-Path ([IO.Path]::GetTempPath()) ('SmsServiceProvider-test-' + [guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
Copy-Item -LiteralPath $Dll, $Contract -Destination $work
$settings = Join-Path (Split-Path -Parent $Dll) 'SmsServiceProvider.settings'
if (Test-Path -LiteralPath $settings) { Copy-Item -LiteralPath $settings -Destination $work }
Write-Host "testing in $work"

$assembly = [Reflection.Assembly]::LoadFrom((Join-Path $work 'SmsServiceProvider.dll'))
$provider = [Activator]::CreateInstance($assembly.GetType('{{NAME}}.SmsServiceProvider', $true))
$attributes = New-Object 'System.Collections.Generic.Dictionary[string,object]'
try {
    $provider.SendSms($PhoneNumber, $Message, [guid]::NewGuid(), $attributes)
} catch {
    Write-Host ('SendSms failed: ' + $_.Exception.GetBaseException().Message)
    exit 1
}
Write-Host 'SendSms returned: the gateway took the message'

<#
.SYNOPSIS
Tries {{ASSEMBLY}}.dll the way the MIM Service uses it, before any restart of the service.

.DESCRIPTION
Copies the built DLL, its settings file and the MIM contract assembly into a temp folder (as
they sit together in the Service folder), loads the DLL with Assembly.LoadFrom, creates
{{NAME}}.{{CLASS}} with its parameterless constructor, calls InitiateCall with the test
number, then GetCallStatus until the call is no longer Pending, and GetFailureMessage if it
failed. Run it in 64-bit Windows PowerShell 5.1 (powershell.exe), which runs on the .NET
Framework 4 CLR as the MIM Service does. Made by `mimmfa provider new`.

.EXAMPLE
.\Test-Provider.ps1 -PhoneNumber '+1 425 555 0100'
#>
param(
    [Parameter(Mandatory = $true)] [string] $PhoneNumber,
    [string] $Dll = (Join-Path $PSScriptRoot 'bin\Release\net48\{{ASSEMBLY}}.dll'),
    [string] $Contract = '{{CONTRACT_WINDOWS_PATH}}',
    [int] $TimeoutSeconds = 120
)
$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSEdition -eq 'Core' -or -not [Environment]::Is64BitProcess) {
    throw 'Run this in 64-bit Windows PowerShell 5.1 (powershell.exe): the MIM Service is a 64-bit .NET Framework process'
}
foreach ($file in @($Dll, $Contract)) {
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { throw "$file not found (build first: dotnet build -c Release)" }
}
$work = Join-Path ([IO.Path]::GetTempPath()) ('{{ASSEMBLY}}-test-' + [guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
Copy-Item -LiteralPath $Dll, $Contract -Destination $work
$settings = Join-Path (Split-Path -Parent $Dll) '{{ASSEMBLY}}.settings'
if (Test-Path -LiteralPath $settings) { Copy-Item -LiteralPath $settings -Destination $work }
Write-Host "testing in $work"

$assembly = [Reflection.Assembly]::LoadFrom((Join-Path $work '{{ASSEMBLY}}.dll'))
$provider = [Activator]::CreateInstance($assembly.GetType('{{NAME}}.{{CLASS}}', $true))
$attributes = New-Object 'System.Collections.Generic.Dictionary[string,object]'
$requestId = [guid]::NewGuid()
$status = $provider.InitiateCall($PhoneNumber, $requestId, $attributes)
Write-Host "InitiateCall: $status"
$callId = $requestId.ToString()
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
while ("$status" -eq 'Pending' -and (Get-Date) -lt $deadline) {
    Start-Sleep -Seconds 2
    $status = $provider.GetCallStatus($callId)
    Write-Host "GetCallStatus: $status"
}
if ("$status" -ne 'Success') {
    Write-Host ('GetFailureMessage: ' + $provider.GetFailureMessage($callId))
    exit 1
}
Write-Host 'the call succeeded'

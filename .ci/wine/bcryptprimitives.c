/* Wine 8.0 lacks bcryptprimitives.dll, from which Rust's standard library
 * (1.78+) imports ProcessPrng on Windows. This stand-in implements it with
 * RtlGenRandom (advapi32!SystemFunction036), so Rust programs and test
 * binaries start under Wine. Test infrastructure only: never shipped. */
#include <windows.h>

typedef BOOLEAN(WINAPI *RtlGenRandomFn)(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    static RtlGenRandomFn gen;
    if (!gen) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (!advapi)
            return FALSE;
        gen = (RtlGenRandomFn)GetProcAddress(advapi, "SystemFunction036");
        if (!gen)
            return FALSE;
    }
    while (length) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!gen(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

// The CLR's verdict on a provider DLL, for tests/e2e/clr_oracle.rs.
//
//   mono ProviderOracle.exe SERVICE_DIR phone|sms DLL
//
// Loads DLL the way the MIM Service presumably does: the contract assembly
// is the service's own, from SERVICE_DIR (the service's application base,
// where the CLR also resolves the DLL's references), the DLL itself by
// Assembly.LoadFrom. A usable provider type is public, a class, not
// abstract, not an open generic, assignable to the contract interface, has a
// public parameterless constructor, and Activator.CreateInstance succeeds.
// For SMS, the interface must also be the class's first interface (the
// service's TypeLoadException "does not implement the required interface").
//
// Prints one line: "usable T1 T2 ..." or "unusable: why"; exit code 0.
//
//   mono ProviderOracle.exe --identity DLL...
//
// Prints, per DLL, the CLR's name of the assembly: "Name Version Token"
// (token "null" for an unsigned assembly).
using System;
using System.IO;
using System.Linq;
using System.Reflection;

static class ProviderOracle
{
    const string Phone = "Microsoft.IdentityManagement.PhoneServiceProvider.IPhoneServiceProvider";
    const string Sms = "Microsoft.IdentityManagement.SmsServiceProvider.ISmsServiceProvider";

    static int Main(string[] args)
    {
        if (args[0] == "--identity")
        {
            foreach (string path in args.Skip(1))
            {
                AssemblyName n = AssemblyName.GetAssemblyName(path);
                byte[] token = n.GetPublicKeyToken();
                string hex = token == null || token.Length == 0
                    ? "null"
                    : string.Concat(token.Select(b => b.ToString("x2")));
                Console.WriteLine(n.Name + " " + n.Version + " " + hex);
            }
            return 0;
        }
        string serviceDir = args[0], kind = args[1], dll = args[2];
        string wanted = kind == "sms" ? Sms : Phone;
        AppDomain.CurrentDomain.AssemblyResolve += (s, e) =>
        {
            // Application-base probing: SERVICE_DIR\<simple name>.dll, the
            // name found as NTFS finds it (ignoring case).
            string name = new AssemblyName(e.Name).Name;
            string path = FindIgnoringCase(serviceDir, name + ".dll");
            return path != null ? Assembly.LoadFrom(path) : null;
        };
        // The MIM Service's own contract: the stand-in assemblies the
        // fixtures use (tests/fixtures/dotnet/src/Contract.cs), by their
        // fixed names (in either casing Microsoft shipped), whatever else
        // the folder holds.
        string contractFile = FindIgnoringCase(serviceDir, kind == "sms"
            ? "Microsoft.IdentityManagement.SmsServiceProviderContract.dll"
            : "Microsoft.IdentityManagement.PhoneServiceProviderContract.dll");
        if (contractFile == null) { Console.WriteLine("unusable: no contract assembly in " + serviceDir); return 0; }
        Type contract = Assembly.LoadFrom(contractFile).GetType(wanted, false);
        if (contract == null) { Console.WriteLine("unusable: no contract assembly in " + serviceDir); return 0; }

        Assembly asm;
        Type[] types;
        try
        {
            asm = Assembly.LoadFrom(dll);
            types = asm.GetTypes();
        }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t != null).ToArray(); }
        catch (Exception e) { Console.WriteLine("unusable: load: " + e.GetType().Name); return 0; }

        var usable = types.Where(t => Loadable(t, contract, kind) == null).Select(t => t.FullName).ToArray();
        if (usable.Length > 0) { Console.WriteLine("usable " + string.Join(" ", usable)); return 0; }
        var why = types.Where(t => { try { return t.IsClass && contract.IsAssignableFrom(t); } catch (Exception) { return true; } })
            .Select(t => t.FullName + " (" + Loadable(t, contract, kind) + ")").ToArray();
        Console.WriteLine("unusable: " + (why.Length > 0 ? string.Join(", ", why) : "no class is assignable to the contract interface"));
        return 0;
    }

    // Why, including a dependency that does not load (TypeLoadException,
    // FileNotFoundException as the type is laid out).
    static string Loadable(Type t, Type contract, string kind)
    {
        try { return Why(t, contract, kind); }
        catch (Exception e) { return "load: " + e.GetType().Name; }
    }

    // Why the service could not use t as the provider; null if it could.
    static string Why(Type t, Type contract, string kind)
    {
        if (!t.IsClass) return "not a class";
        if (!contract.IsAssignableFrom(t)) return "not assignable to the contract interface";
        if (!t.IsVisible) return "not public";
        if (t.IsAbstract) return "abstract";
        if (t.ContainsGenericParameters) return "open generic";
        if (t.GetConstructor(Type.EmptyTypes) == null) return "no public parameterless constructor";
        if (kind == "sms" && !FirstInterfaceIs(t, contract)) return "the interface is not the first";
        try { Activator.CreateInstance(t); }
        catch (Exception e) { return "Activator.CreateInstance: " + (e.InnerException ?? e).GetType().Name; }
        return null;
    }

    // A file of the folder by name, compared as Windows compares file names.
    static string FindIgnoringCase(string dir, string file)
    {
        return Directory.GetFiles(dir).FirstOrDefault(f =>
            string.Equals(Path.GetFileName(f), file, StringComparison.OrdinalIgnoreCase));
    }

    // Declared interfaces in metadata order: GetInterfaces() of a class with
    // no base interfaces lists them so on both .NET Framework and mono.
    static bool FirstInterfaceIs(Type t, Type contract)
    {
        Type[] all = t.GetInterfaces();
        return all.Length > 0 && all[0] == contract;
    }
}

// The provider's configuration: {{ASSEMBLY}}.settings beside {{ASSEMBLY}}.dll, read at every
// call (an edit needs no restart of the MIM Service), never MfaSettings.xml. One
// "Name = value" a line; lines starting with # are comments. Keep secrets (an API key) in
// that file, readable by administrators and the MIM service account only, not in the code.
using System;
using System.Collections.Generic;
using System.IO;

namespace {{NAME}}
{
    internal sealed class ProviderSettings
    {
        public const string FileName = "{{ASSEMBLY}}.settings";

        private readonly Dictionary<string, string> values;

        private ProviderSettings(Dictionary<string, string> values)
        {
            this.values = values;
        }

        // The folder of the DLL: the Service folder, where the MIM Service loads it from.
        public static string Folder
        {
            get { return Path.GetDirectoryName(typeof(ProviderSettings).Assembly.Location); }
        }

        public static ProviderSettings Load()
        {
            string path = Path.Combine(Folder, FileName);
            Dictionary<string, string> values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            int number = 0;
            foreach (string line in File.ReadAllLines(path))
            {
                number++;
                string text = line.Trim();
                if (text.Length == 0 || text.StartsWith("#"))
                {
                    continue;
                }
                int equals = text.IndexOf('=');
                if (equals <= 0)
                {
                    throw new FormatException(path + ":" + number + ": expected \"Name = value\"");
                }
                values[text.Substring(0, equals).Trim()] = text.Substring(equals + 1).Trim();
            }
            return new ProviderSettings(values);
        }

        // The value of a setting; a missing one is an error that names the file and the setting.
        public string Get(string name)
        {
            string value;
            if (!values.TryGetValue(name, out value) || value.Length == 0)
            {
                throw new InvalidOperationException(name + " is not set in " + Path.Combine(Folder, FileName));
            }
            return value;
        }

        public string GetOrDefault(string name, string fallback)
        {
            string value;
            return values.TryGetValue(name, out value) && value.Length > 0 ? value : fallback;
        }
    }
}

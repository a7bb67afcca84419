// Where failures go: the Application event log, source "{{ASSEMBLY}}", when that source is
// registered (once, elevated: New-EventLog -LogName Application -Source {{ASSEMBLY}});
// otherwise the file named by LogFile in {{ASSEMBLY}}.settings, by default
// %ProgramData%\{{ASSEMBLY}}\{{ASSEMBLY}}.log (the MIM service account may not write to the
// Service folder). Logging never throws: it must not take the MIM Service down.
using System;
using System.Diagnostics;
using System.IO;

namespace {{NAME}}
{
    internal static class ProviderLog
    {
        public const string Source = "{{ASSEMBLY}}";

        // Appends from several threads go one at a time.
        private static readonly object FileLock = new object();

        public static void Failure(string what, Exception e)
        {
            Write(what + " failed: " + e);
        }

        public static void Write(string message)
        {
            try
            {
                if (EventLog.SourceExists(Source))
                {
                    EventLog.WriteEntry(Source, message, EventLogEntryType.Error, 1000);
                    return;
                }
            }
            catch (Exception)
            {
                // Not registered, or no right to look: the file below.
            }
            try
            {
                string path = LogFile();
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                lock (FileLock)
                {
                    File.AppendAllText(path, DateTime.UtcNow.ToString("o") + " " + message + Environment.NewLine);
                }
            }
            catch (Exception)
            {
                // Nowhere left to say it.
            }
        }

        private static string LogFile()
        {
            string fallback = Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData),
                Source, Source + ".log");
            try
            {
                return ProviderSettings.Load().GetOrDefault("LogFile", fallback);
            }
            catch (Exception)
            {
                return fallback;
            }
        }
    }
}

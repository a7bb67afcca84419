// The XML oracle: loads each file named on the command line with
// System.Xml.XmlDocument, as a .NET Framework service reads its settings,
// and prints one line per file: "ok" or "error<TAB>line<TAB>column<TAB>message".
// Built with mcs and run with mono by tests/e2e/oracle.rs.
using System;
using System.Xml;

class XmlOracle
{
    static int Main(string[] args)
    {
        foreach (var path in args)
        {
            try
            {
                var doc = new XmlDocument();
                doc.Load(path);
                Console.WriteLine("ok");
            }
            catch (XmlException e)
            {
                Console.WriteLine("error\t" + e.LineNumber + "\t" + e.LinePosition + "\t" + OneLine(e.Message));
            }
            catch (Exception e)
            {
                Console.WriteLine("error\t0\t0\t" + e.GetType().Name + ": " + OneLine(e.Message));
            }
        }
        return 0;
    }

    static string OneLine(string s)
    {
        return s.Replace("\r", " ").Replace("\n", " ").Replace("\t", " ");
    }
}

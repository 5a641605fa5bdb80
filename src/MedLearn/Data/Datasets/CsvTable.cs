using System.Text;

namespace MedLearn.Data.Datasets;

/// <summary>
/// Minimal RFC 4180 CSV reader: comma separated, fields optionally double-quoted ("" inside quotes is a quote,
/// quoted fields may contain commas and line breaks), LF or CRLF line ends, blank lines skipped. Each record
/// carries the 1-based line number where it starts (the header is row 1), used in error messages.
/// </summary>
internal static class CsvTable
{
    /// <summary>A record and the line it starts on.</summary>
    internal readonly record struct Row(int Number, string[] Fields);

    /// <summary>Parses every record; an unterminated quote or text after a closing quote is a <see cref="DatasetException"/>.</summary>
    public static List<Row> Parse(TextReader reader, string source)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var inQuotes = false;
        var afterQuote = false;
        var any = false; // current record has content

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            afterQuote = false;
        }

        void EndRecord()
        {
            EndField();
            if (any || fields.Count > 1 || fields[0].Length > 0) rows.Add(new Row(start, [.. fields]));
            fields.Clear();
            any = false;
        }

        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else { inQuotes = false; afterQuote = true; }
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case ',':
                    any = true;
                    EndField();
                    break;
                case '\r':
                    if (reader.Peek() == '\n') reader.Read();
                    EndRecord();
                    start = ++line;
                    break;
                case '\n':
                    EndRecord();
                    start = ++line;
                    break;
                case '"' when field.Length == 0 && !afterQuote:
                    inQuotes = true;
                    any = true;
                    break;
                default:
                    if (afterQuote)
                        throw new DatasetException($"{source} row {start}: unexpected text after a closing quote");
                    if (ch == '"')
                        throw new DatasetException($"{source} row {start}: a quote inside an unquoted field (quote the whole field and double the quote)");
                    field.Append(ch);
                    break;
            }
        }
        if (inQuotes) throw new DatasetException($"{source} row {start}: unterminated quoted field");
        EndRecord();
        return rows;
    }

    /// <summary>Quotes a field when it contains a comma, quote or line break.</summary>
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Maps header names (trimmed, case-insensitive) to column positions; duplicates are an error.</summary>
    public static Dictionary<string, int> Header(Row header, string source)
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var name = header.Fields[i].Trim();
            if (name.Length == 0) continue;
            if (!map.TryAdd(name, i))
                throw new DatasetException($"{source} row {header.Number}: duplicate column '{name}'");
        }
        return map;
    }
}

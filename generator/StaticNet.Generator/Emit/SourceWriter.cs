using System;
using System.Collections.Generic;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>A small indented text writer for generated source, in the manner of dotnet/runtime's generators.</summary>
internal sealed class SourceWriter
{
    /// <summary>
    /// The longest line the writer lets through where it can break one: a comment line longer than this is wrapped at
    /// words to <see cref="WrapWidth"/> (a generated file is read like code), and <see cref="WriteCompact"/> breaks a
    /// declaration into a block. Only a single word longer than that (a user's very long type name) stays over it.
    /// </summary>
    public const int MaxLineLength = 160;

    /// <summary>The width, indentation included, that a wrapped comment line is filled to: the width of the hand-wrapped ones.</summary>
    private const int WrapWidth = 120;

    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private int _indent;
    private bool _pendingBlankLine;

    public void WriteLine(string line)
    {
        if (line.Length == 0)
        {
            WriteLine();
            return;
        }

        // A blank line is written only once something other than a closing brace follows it, so that writers can
        // separate members freely without leaving blank lines at the end of a block (or two in a row).
        if (_pendingBlankLine && line[0] != '}')
        {
            _builder.Append('\n');
        }

        _pendingBlankLine = false;
        int indent = _indent * IndentSize;
        int own = line.Length - line.TrimStart(' ').Length;
        if (indent + line.Length > MaxLineLength && line.Length - own >= 2 && line[own] == '/' && line[own + 1] == '/')
        {
            WrapComment(line.Substring(own), indent + own);
            return;
        }

        if (indent + line.Length > MaxLineLength && WrapCall(line, indent))
        {
            return;
        }

        _builder.Append(' ', indent).Append(line).Append('\n');
    }

    /// <summary>
    /// Writes a comment line as several, broken at spaces outside double quotes (so an XML attribute such as a
    /// <c>cref</c> stays whole): a doc comment goes on with <c>/// </c>, a plain one with its own indentation and two
    /// spaces more.
    /// </summary>
    private void WrapComment(string line, int indent)
    {
        int start = line.StartsWith("///", StringComparison.Ordinal) ? 3 : 2;
        int text = start;
        while (text < line.Length && line[text] == ' ')
        {
            text++;
        }

        string continuation = start == 3 ? "/// " : line.Substring(0, text) + "  ";
        var current = new StringBuilder(line, 0, text, WrapWidth);
        bool empty = true;
        foreach (string word in Words(line.Substring(text)))
        {
            if (!empty && indent + current.Length + 1 + word.Length > WrapWidth)
            {
                _builder.Append(' ', indent).Append(current).Append('\n');
                current.Clear().Append(continuation);
                empty = true;
            }

            current.Append(empty ? string.Empty : " ").Append(word);
            empty = false;
        }

        _builder.Append(' ', indent).Append(current).Append('\n');
    }

    /// <summary>
    /// Writes a code line whose first parenthesis opens an argument (or parameter) list as the text up to that
    /// parenthesis, then the arguments on lines indented one level more, filled to <see cref="WrapWidth"/>, with the
    /// rest of the line after the last one. Commas inside nested parentheses, brackets, angle brackets or string
    /// literals do not split. Returns false, writing nothing, where the line has no such list.
    /// </summary>
    private bool WrapCall(string line, int indent)
    {
        int open = line.IndexOf('(');
        if (open < 0 || line.IndexOf('"') is >= 0 and int quote && quote < open)
        {
            return false;
        }

        var arguments = new List<string>();
        int depth = 0;
        int start = open + 1;
        bool quoted = false;
        int close = -1;
        for (int i = open + 1; i < line.Length && close < 0; i++)
        {
            char c = line[i];
            if (c == '"' && line[i - 1] != '\\')
            {
                quoted = !quoted;
            }
            else if (quoted)
            {
                continue;
            }
            else if (c is '(' or '[' or '<' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '>' or '}' && depth > 0)
            {
                depth--;
            }
            else if (c == ')')
            {
                close = i;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(line.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }

        if (close < 0 || arguments.Count == 0)
        {
            return false;
        }

        arguments.Add(line.Substring(start, close - start).Trim());
        _builder.Append(' ', indent).Append(line, 0, open + 1).Append('\n');
        int inner = indent + (line.Length - line.TrimStart(' ').Length) + IndentSize;
        var current = new StringBuilder();
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i] + (i < arguments.Count - 1 ? "," : line.Substring(close));
            if (current.Length > 0 && inner + current.Length + 1 + argument.Length > WrapWidth)
            {
                _builder.Append(' ', inner).Append(current).Append('\n');
                current.Clear();
            }

            current.Append(current.Length > 0 ? " " : string.Empty).Append(argument);
        }

        _builder.Append(' ', inner).Append(current).Append('\n');
        return true;
    }

    /// <summary>
    /// The pieces a comment may be broken between: words, except that a quoted attribute value, an interval such as
    /// <c>[112, 304)</c> and an arrow with the size after it (<c>-> 8</c>) stay whole.
    /// </summary>
    private static IEnumerable<string> Words(string text)
    {
        bool quoted = false;
        bool interval = false;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == '[')
            {
                interval = true;
            }
            else if (text[i] is ']' or ')')
            {
                interval = false;
            }
            else if (text[i] == ' ' && !quoted && !interval && !(i >= 2 && text[i - 2] == '-' && text[i - 1] == '>'))
            {
                if (i > start)
                {
                    yield return text.Substring(start, i - start);
                }

                start = i + 1;
            }
        }

        if (text.Length > start)
        {
            yield return text.Substring(start);
        }
    }

    /// <summary>
    /// Writes a type with a few one-line members on one line if it fits in <see cref="MaxLineLength"/>, else as a block
    /// with a member a line.
    /// </summary>
    public void WriteCompact(string header, IReadOnlyList<string> members)
    {
        string line = $"{header} {{ {string.Join(" ", members)} }}";
        if (_indent * IndentSize + line.Length <= MaxLineLength)
        {
            WriteLine(line);
            return;
        }

        using (WriteBlock(header))
        {
            foreach (string member in members)
            {
                WriteLine(member);
            }
        }
    }

    /// <summary>
    /// Joins the items of a list with <c>", "</c>, starting a new line (indented by <paramref name="continuation"/>
    /// spaces more than the line the list starts on) before an item that would pass <see cref="WrapWidth"/>; for a list
    /// in a raw-string template written by <see cref="WriteLines"/>, which keeps each line's own indentation.
    /// </summary>
    /// <param name="items">The items.</param>
    /// <param name="used">The characters of the template's line before the list, the writer's indentation not counted.</param>
    /// <param name="continuation">The spaces before a continuation line, relative to the template's line.</param>
    public string JoinList(IEnumerable<string> items, int used, int continuation = 4)
    {
        var text = new StringBuilder();
        int column = _indent * IndentSize + used;
        foreach (string item in items)
        {
            if (text.Length > 0)
            {
                text.Append(',');
                column++;
                if (column + 1 + item.Length > WrapWidth)
                {
                    text.Append('\n').Append(' ', continuation);
                    column = _indent * IndentSize + continuation;
                }
                else
                {
                    text.Append(' ');
                    column++;
                }
            }

            text.Append(item);
            column += item.Length;
        }

        return text.ToString();
    }

    public void WriteLine() => _pendingBlankLine = _builder.Length > 0;

    /// <summary>Writes each line of a multi-line text at the current indentation (for raw-string boilerplate).</summary>
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line.TrimEnd());
        }
    }

    /// <summary>Writes an XML doc summary, on one line if it fits in <paramref name="width"/> characters, else wrapped at words.</summary>
    public void WriteSummary(string text, int width = 120)
    {
        if (text.Length + 24 <= width)
        {
            WriteLine($"/// <summary>{text}</summary>");
            return;
        }

        WriteLine("/// <summary>");
        var line = new StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width - 4)
            {
                WriteLine("/// " + line);
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        WriteLine("/// " + line);
        WriteLine("/// </summary>");
    }

    public void IncreaseIndent() => _indent++;

    public void DecreaseIndent() => _indent--;

    /// <summary>Writes <c>{</c>, indents until disposed, then writes <c>}</c> (plus an optional suffix such as <c>;</c>).</summary>
    public Block WriteBlock(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indent++;
        return new Block(this, closing);
    }

    public override string ToString() => _builder.ToString();

    public readonly struct Block : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        public Block(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.WriteLine(_closing);
        }
    }
}

using System;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>A small indented text writer for generated source, in the manner of dotnet/runtime's generators.</summary>
internal sealed class SourceWriter
{
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
        _builder.Append(' ', _indent * IndentSize).Append(line).Append('\n');
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

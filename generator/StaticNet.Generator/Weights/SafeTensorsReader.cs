using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Weights;

/// <summary>One tensor of a safetensors header.</summary>
internal sealed class TensorInfo
{
    public TensorInfo(string name, string dtype, int elementSize, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        ElementSize = elementSize;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public int ElementSize { get; }

    public long[] Shape { get; }

    public long Begin { get; }

    public long End { get; }

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(long[] shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}

/// <summary>
/// Reads and validates a whole safetensors file in memory, with the same rules as the runtime library's reader
/// (src/StaticNet/Files/SafeTensorsHeader.cs; a differential test keeps them in agreement). The generator cannot
/// depend on System.Text.Json (netstandard2.0, loaded into every compiler host), so the small JSON subset of a header
/// is read here: an object of names to objects with <c>dtype</c>, <c>shape</c> and <c>data_offsets</c>, an optional
/// <c>__metadata__</c> object of strings, any other field skipped, nesting at most 4 deep. Never throws on bad input:
/// <see cref="TryRead"/> returns the reason instead.
/// </summary>
internal sealed class SafeTensorsReader
{
    public const long MaxHeaderLength = 100_000_000;
    private const int MaxDepth = 4;

    private readonly string _json;
    private int _position;
    private int _depth;

    private SafeTensorsReader(string json) => _json = json;

    /// <summary>Reads the header of <paramref name="file"/>; returns null and the tensors and data start, or the reason the file is invalid.</summary>
    public static string? TryRead(ReadOnlySpan<byte> file, out List<TensorInfo> tensors, out int dataStart)
    {
        tensors = new List<TensorInfo>();
        dataStart = 0;
        if (file.Length < 8)
        {
            return "the file is shorter than the 8 bytes of its header length";
        }

        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | file[i];
        }

        if (headerLength > MaxHeaderLength)
        {
            return $"the header length {headerLength} is above the limit of {MaxHeaderLength} bytes";
        }

        if ((long)headerLength > file.Length - 8)
        {
            return $"the header length {headerLength} is larger than the {file.Length - 8} bytes that follow it";
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, true).GetString(file.Slice(8, (int)headerLength).ToArray());
        }
        catch (DecoderFallbackException)
        {
            return "the header is not valid UTF-8";
        }

        var reader = new SafeTensorsReader(json);
        string? error = reader.ReadHeader(tensors);
        if (error is not null)
        {
            return error;
        }

        error = Validate(tensors, out long dataLength);
        if (error is not null)
        {
            return error;
        }

        dataStart = 8 + (int)headerLength;
        long actual = file.Length - dataStart;
        return actual != dataLength ? $"the header describes {dataLength} bytes of data, but {actual} bytes follow it" : null;
    }

    public static int ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    public static bool IsLoadable(string dtype) => dtype is "F16" or "BF16" or "F32" or "F64";

    private static string? Validate(List<TensorInfo> tensors, out long dataLength)
    {
        var sorted = tensors.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        dataLength = 0;
        foreach (TensorInfo tensor in sorted)
        {
            if (tensor.Begin != dataLength)
            {
                return tensor.Begin > dataLength
                    ? $"the data has a hole: no tensor covers bytes [{dataLength}, {tensor.Begin})"
                    : $"tensor '{tensor.Name}' overlaps another tensor at byte {tensor.Begin}";
            }

            dataLength = tensor.End;
        }

        return null;
    }

    private string? ReadHeader(List<TensorInfo> tensors)
    {
        if (_json.Length == 0 || _json[0] != '{')
        {
            return "the header is not a JSON object";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        string? error = ReadObject((name, reader) =>
        {
            if (!names.Add(name))
            {
                return $"the name '{name}' appears twice in the header";
            }

            if (name == "__metadata__")
            {
                return reader.ReadMetadata();
            }

            string? tensorError = reader.ReadTensor(name, out TensorInfo? tensor);
            if (tensor is not null)
            {
                tensors.Add(tensor);
            }

            return tensorError;
        });
        if (error is not null)
        {
            return error;
        }

        SkipWhitespace();
        return _position != _json.Length ? "the header is not valid JSON (it has content after its JSON object)" : null;
    }

    /// <summary>Reads an object whose opening brace is next, calling <paramref name="member"/> with each name, positioned at the value.</summary>
    private string? ReadObject(Func<string, SafeTensorsReader, string?> member)
    {
        SkipWhitespace();
        if (!TryConsume('{'))
        {
            return Syntax("an object");
        }

        if (++_depth > MaxDepth)
        {
            return "the header is not valid JSON (it nests too deep)";
        }

        SkipWhitespace();
        if (TryConsume('}'))
        {
            _depth--;
            return null;
        }

        while (true)
        {
            SkipWhitespace();
            string? error = ReadString(out string? name);
            if (error is not null)
            {
                return error;
            }

            SkipWhitespace();
            if (!TryConsume(':'))
            {
                return Syntax("':'");
            }

            error = member(name!, this);
            if (error is not null)
            {
                return error;
            }

            SkipWhitespace();
            if (TryConsume('}'))
            {
                _depth--;
                return null;
            }

            if (!TryConsume(','))
            {
                return Syntax("',' or '}'");
            }
        }
    }

    private string? ReadMetadata()
    {
        SkipWhitespace();
        if (TryConsumeLiteral("null"))
        {
            return null;
        }

        if (Peek() != '{')
        {
            return "'__metadata__' must be an object of strings";
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        return ReadObject((key, reader) =>
        {
            reader.SkipWhitespace();
            if (reader.Peek() != '"')
            {
                return $"the metadata value of '{key}' must be a string";
            }

            string? error = reader.ReadString(out _);
            return error ?? (keys.Add(key) ? null : $"the metadata key '{key}' appears twice");
        });
    }

    private string? ReadTensor(string name, out TensorInfo? tensor)
    {
        tensor = null;
        SkipWhitespace();
        if (Peek() != '{')
        {
            return $"the entry of tensor '{name}' must be an object";
        }

        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        string? error = ReadObject((field, reader) =>
        {
            switch (field)
            {
                case "dtype" when dtype is null:
                    reader.SkipWhitespace();
                    if (reader.Peek() != '"')
                    {
                        return $"the dtype of tensor '{name}' must be a string";
                    }

                    return reader.ReadString(out dtype);
                case "shape" when shape is null:
                    return reader.ReadIntegers(name, field, out shape);
                case "data_offsets" when offsets is null:
                    return reader.ReadIntegers(name, field, out offsets);
                case "dtype" or "shape" or "data_offsets":
                    return $"tensor '{name}' has '{field}' twice";
                default:
                    return reader.SkipValue();
            }
        });
        if (error is not null)
        {
            return error;
        }

        if (dtype is null || shape is null || offsets is null)
        {
            return $"tensor '{name}' needs 'dtype', 'shape' and 'data_offsets'";
        }

        int elementSize = ElementSize(dtype);
        if (elementSize == 0)
        {
            return $"tensor '{name}' has the unknown dtype '{dtype}'";
        }

        if (offsets.Count != 2)
        {
            return $"the data_offsets of tensor '{name}' must be two integers [begin, end]";
        }

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            return $"tensor '{name}' ends (at {end}) before it begins (at {begin})";
        }

        long[] dimensions = shape.ToArray();
        long elements = 1;
        bool fits = true;
        foreach (long dimension in dimensions)
        {
            fits &= TryMultiply(elements, dimension, out elements);
            if (!fits)
            {
                break;
            }
        }

        if (!fits)
        {
            return $"the shape {TensorInfo.FormatShape(dimensions)} of tensor '{name}' is too large";
        }

        fits = TryMultiply(elements, elementSize, out long bytes);
        if (!fits || bytes != end - begin)
        {
            string needed = fits ? bytes.ToString(CultureInfo.InvariantCulture) : "more than 2^63";
            return $"tensor '{name}' of dtype {dtype} and shape {TensorInfo.FormatShape(dimensions)} needs {needed} bytes, but its data_offsets [{begin}, {end}] hold {end - begin}";
        }

        tensor = new TensorInfo(name, dtype, elementSize, dimensions, begin, end);
        return null;
    }

    private static bool TryMultiply(long left, long right, out long product)
    {
        try
        {
            product = checked(left * right);
            return true;
        }
        catch (OverflowException)
        {
            product = -1;
            return false;
        }
    }

    private string? ReadIntegers(string name, string field, out List<long> values)
    {
        values = new List<long>();
        SkipWhitespace();
        if (!TryConsume('['))
        {
            return $"the {field} of tensor '{name}' must be an array of integers";
        }

        if (++_depth > MaxDepth)
        {
            return "the header is not valid JSON (it nests too deep)";
        }

        SkipWhitespace();
        if (TryConsume(']'))
        {
            _depth--;
            return null;
        }

        while (true)
        {
            SkipWhitespace();
            string? error = ReadNumber(out bool isInteger, out long value);
            if (error is not null)
            {
                return Peek() is '{' or '[' or '"' or 't' or 'f' or 'n' ? $"the {field} of tensor '{name}' must hold non-negative integers" : error;
            }

            if (!isInteger || value < 0)
            {
                return $"the {field} of tensor '{name}' must hold non-negative integers";
            }

            values.Add(value);
            SkipWhitespace();
            if (TryConsume(']'))
            {
                _depth--;
                return null;
            }

            if (!TryConsume(','))
            {
                return Syntax("',' or ']'");
            }
        }
    }

    /// <summary>Skips any JSON value, checking its syntax; strings are not unescaped, as System.Text.Json's Skip does not.</summary>
    private string? SkipValue()
    {
        SkipWhitespace();
        switch (Peek())
        {
            case '{':
                return ReadObject((_, reader) => reader.SkipValue());
            case '[':
                _position++;
                if (++_depth > MaxDepth)
                {
                    return "the header is not valid JSON (it nests too deep)";
                }

                SkipWhitespace();
                if (TryConsume(']'))
                {
                    _depth--;
                    return null;
                }

                while (true)
                {
                    string? error = SkipValue();
                    if (error is not null)
                    {
                        return error;
                    }

                    SkipWhitespace();
                    if (TryConsume(']'))
                    {
                        _depth--;
                        return null;
                    }

                    if (!TryConsume(','))
                    {
                        return Syntax("',' or ']'");
                    }
                }

            case '"':
                return ScanString(unescape: null);
            case 't':
                return TryConsumeLiteral("true") ? null : Syntax("a value");
            case 'f':
                return TryConsumeLiteral("false") ? null : Syntax("a value");
            case 'n':
                return TryConsumeLiteral("null") ? null : Syntax("a value");
            default:
                return ReadNumber(out _, out _);
        }
    }

    /// <summary>Reads a JSON number; <paramref name="isInteger"/> when it is an integer (no fraction or exponent) that fits a long.</summary>
    private string? ReadNumber(out bool isInteger, out long value)
    {
        isInteger = false;
        value = 0;
        int start = _position;
        bool negative = TryConsume('-');
        if (Peek() == '0')
        {
            _position++;
        }
        else if (Peek() is >= '1' and <= '9')
        {
            while (Peek() is >= '0' and <= '9')
            {
                _position++;
            }
        }
        else
        {
            return Syntax("a value");
        }

        int integerEnd = _position;
        bool fraction = false;
        if (TryConsume('.'))
        {
            fraction = true;
            if (Peek() is not (>= '0' and <= '9'))
            {
                return Syntax("a digit");
            }

            while (Peek() is >= '0' and <= '9')
            {
                _position++;
            }
        }

        if (Peek() is 'e' or 'E')
        {
            fraction = true;
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }

            if (Peek() is not (>= '0' and <= '9'))
            {
                return Syntax("a digit");
            }

            while (Peek() is >= '0' and <= '9')
            {
                _position++;
            }
        }

        if (!fraction)
        {
            int digitsStart = negative ? start + 1 : start;
            isInteger = long.TryParse(_json.Substring(digitsStart, integerEnd - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out value);
            if (negative)
            {
                value = -value;
            }
        }

        return null;
    }

    private string? ReadString(out string? value)
    {
        value = null;
        if (Peek() != '"')
        {
            return Syntax("a string");
        }

        var builder = new StringBuilder();
        string? error = ScanString(builder);
        if (error is not null)
        {
            return error;
        }

        // Like Utf8JsonReader.GetString: an escaped lone surrogate cannot become a string.
        string text = builder.ToString();
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return "the header is not valid UTF-8 JSON (a string holds a lone surrogate)";
            }
        }

        value = text;
        return null;
    }

    /// <summary>Scans a string whose quote is next, appending its unescaped text to <paramref name="unescape"/> if given.</summary>
    private string? ScanString(StringBuilder? unescape)
    {
        _position++;
        while (_position < _json.Length)
        {
            char c = _json[_position++];
            if (c == '"')
            {
                return null;
            }

            if (c < 0x20)
            {
                return "the header is not valid JSON (a string holds a control character)";
            }

            if (c != '\\')
            {
                unescape?.Append(c);
                continue;
            }

            if (_position >= _json.Length)
            {
                break;
            }

            char escape = _json[_position++];
            switch (escape)
            {
                case '"' or '\\' or '/':
                    unescape?.Append(escape);
                    break;
                case 'b':
                    unescape?.Append('\b');
                    break;
                case 'f':
                    unescape?.Append('\f');
                    break;
                case 'n':
                    unescape?.Append('\n');
                    break;
                case 'r':
                    unescape?.Append('\r');
                    break;
                case 't':
                    unescape?.Append('\t');
                    break;
                case 'u':
                    if (_position + 4 > _json.Length ||
                        !int.TryParse(_json.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        return "the header is not valid JSON (a bad \\u escape)";
                    }

                    _position += 4;
                    unescape?.Append((char)code);
                    break;
                default:
                    return "the header is not valid JSON (a bad escape)";
            }
        }

        return "the header ends in the middle of its JSON object";
    }

    private void SkipWhitespace()
    {
        while (_position < _json.Length && _json[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private char Peek() => _position < _json.Length ? _json[_position] : '\0';

    private bool TryConsume(char c)
    {
        if (Peek() != c)
        {
            return false;
        }

        _position++;
        return true;
    }

    private bool TryConsumeLiteral(string literal)
    {
        if (string.CompareOrdinal(_json, _position, literal, 0, literal.Length) != 0)
        {
            return false;
        }

        _position += literal.Length;
        return true;
    }

    private string Syntax(string expected) => _position >= _json.Length
        ? "the header ends in the middle of its JSON object"
        : $"the header is not valid JSON (expected {expected} at character {_position})";
}

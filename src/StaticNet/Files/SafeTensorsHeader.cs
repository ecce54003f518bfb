// The safetensors header rules, written once and compiled twice: into the runtime library (SafeTensors.Load) and, as a
// linked file, into the generator (generator/StaticNet.Generator/StaticNet.Generator.csproj), which bakes weights in at
// compile time with the same checks, as dotnet/runtime's Regex generator compiles the runtime's own parser. The generator
// targets netstandard2.0 and must not depend on System.Text.Json, so this file reads the small JSON subset of a header
// itself and uses nothing newer than netstandard2.0 with System.Memory. It never throws on bad input: every check returns
// the reason, which the runtime turns into an InvalidDataException and the generator into SNET0017.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>The element types of the safetensors format, in the order of <see cref="SafeTensorsHeader.DTypeNames"/>.</summary>
internal enum TensorDType
{
    Bool,
    U8,
    I8,
    F8E5M2,
    F8E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    I64,
    U64,
    F64,
}

/// <summary>One tensor described by a safetensors header: its name, element type, shape and byte range in the data.</summary>
internal sealed class TensorEntry
{
    public TensorEntry(string name, TensorDType dtype, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public TensorDType DType { get; }

    /// <summary>The dtype as the file spells it, e.g. <c>F32</c>.</summary>
    public string DTypeName => SafeTensorsHeader.DTypeNames[(int)DType];

    public int ElementSize => SafeTensorsHeader.ElementSize(DType);

    public long[] Shape { get; }

    /// <summary>The first byte of the tensor in the data section (after the header).</summary>
    public long Begin { get; }

    /// <summary>The byte after the tensor's last one in the data section.</summary>
    public long End { get; }

    public long Length => End - Begin;

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
/// A parsed and fully validated safetensors header. The format: an 8-byte little-endian header length, a UTF-8 JSON
/// object of <c>name -&gt; {dtype, shape, data_offsets}</c> with an optional <c>__metadata__</c> object of strings, then the
/// raw little-endian data. Validation follows the reference implementation: the header is valid UTF-8 and starts with
/// <c>{</c>; no name appears twice; dtypes are known; shapes are non-negative integers whose byte size matches the
/// offsets; the offsets cover the data exactly once, without holes or overlaps. Hostile headers are bounded by caps that
/// every real model is far below: <see cref="MaxHeaderLength"/> bytes, <see cref="MaxTensorCount"/> tensors,
/// <see cref="MaxRank"/> dimensions per shape, nesting <see cref="MaxDepth"/> deep; nothing is allocated from a declared
/// size, so memory stays proportional to the header and a hostile header is rejected as soon as it breaks a rule.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The longest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The most tensors a header may describe. Large language models hold a few thousand per file.</summary>
    public const int MaxTensorCount = 100_000;

    /// <summary>The most dimensions a shape may have (NumPy's limit is 64, PyTorch's lower).</summary>
    public const int MaxRank = 64;

    /// <summary>The deepest legal value is a shape array inside a tensor object inside the root (3); one more level is skipped.</summary>
    public const int MaxDepth = 4;

    /// <summary>The reserved key of the metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The reason for a file shorter than the length prefix.</summary>
    public const string ShorterThanPrefix = "the file is shorter than the 8 bytes of its header length";

    /// <summary>The dtype names of the format, indexed by <see cref="TensorDType"/>.</summary>
    public static readonly string[] DTypeNames =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "I64", "U64", "F64"];

    private SafeTensorsHeader(List<TensorEntry> tensors, Dictionary<string, TensorEntry> byName, long dataLength)
    {
        Tensors = tensors;
        ByName = byName;
        DataLength = dataLength;
    }

    /// <summary>The tensors in the order of the header.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>The tensors by name.</summary>
    public Dictionary<string, TensorEntry> ByName { get; }

    /// <summary>The length of the data section the header describes: the end of the last tensor.</summary>
    public long DataLength { get; }

    public static int ElementSize(TensorDType dtype) => dtype switch
    {
        TensorDType.Bool or TensorDType.U8 or TensorDType.I8 or TensorDType.F8E5M2 or TensorDType.F8E4M3 => 1,
        TensorDType.I16 or TensorDType.U16 or TensorDType.F16 or TensorDType.BF16 => 2,
        TensorDType.I32 or TensorDType.U32 or TensorDType.F32 => 4,
        _ => 8,
    };

    /// <summary>Whether StaticNet reads the dtype into a network: F16, BF16, F32 and F64.</summary>
    public static bool IsLoadable(TensorDType dtype) => dtype is TensorDType.F16 or TensorDType.BF16 or TensorDType.F32 or TensorDType.F64;

    /// <summary>The header length of a file: its first 8 bytes, little-endian.</summary>
    public static ulong ReadHeaderLength(ReadOnlySpan<byte> prefix) => BinaryPrimitives.ReadUInt64LittleEndian(prefix);

    /// <summary>Checks a header length against the caps and, when known, the bytes that follow the prefix; null when it is acceptable.</summary>
    /// <param name="headerLength">The length the prefix declares.</param>
    /// <param name="following">The bytes after the 8-byte prefix, or -1 when unknown (a stream that cannot seek).</param>
    public static string? CheckHeaderLength(ulong headerLength, long following)
    {
        if (headerLength < 2)
        {
            return $"the header length {headerLength} is too short for the JSON object a header is";
        }

        if (headerLength > MaxHeaderLength)
        {
            return $"the header length {headerLength} is above the limit of {MaxHeaderLength} bytes";
        }

        return following >= 0 && (long)headerLength > following
            ? $"the header length {headerLength} is larger than the {following} bytes that follow it"
            : null;
    }

    /// <summary>Checks that the data section is as long as the header says; null when it is.</summary>
    public static string? CheckDataLength(long described, long actual) =>
        actual != described ? $"the header describes {described} bytes of data, but {actual} bytes follow it" : null;

    /// <summary>Parses and validates the JSON header; returns null and the header, or the reason the header is invalid.</summary>
    public static string? TryParse(ReadOnlySpan<byte> json, out SafeTensorsHeader? header)
    {
        header = null;

        // As the reference implementation: the whole header must be UTF-8 and start with the object's brace.
        if (!IsValidUtf8(json))
        {
            return "the header is not valid UTF-8";
        }

        var parser = new Parser(json);
        var tensors = new List<TensorEntry>();
        var byName = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        string? error = parser.ReadHeader(tensors, byName);
        if (error is not null)
        {
            return error;
        }

        error = Validate(tensors, out long dataLength);
        if (error is not null)
        {
            return error;
        }

        header = new SafeTensorsHeader(tensors, byName, dataLength);
        return null;
    }

    /// <summary>The tensors must cover the data from 0 to its end exactly once: sorted by offset, each begins where the previous one ends.</summary>
    private static string? Validate(List<TensorEntry> tensors, out long dataLength)
    {
        TensorEntry[] sorted = tensors.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        dataLength = 0;
        foreach (TensorEntry tensor in sorted)
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

    /// <summary>
    /// The module names of a sequence network's layers when none are given: the file must hold one module per layer,
    /// numbered as in an <c>nn.ModuleList</c> or <c>nn.Sequential</c> (<c>0.weight</c>, <c>1.weight_ih_l0</c>, …), each with
    /// exactly the tensors of its layer (<paramref name="layerTensors"/>); the modules are taken in index order, so indices
    /// may skip (modules without parameters between them). Null with the <paramref name="error"/> when the file is not so.
    /// </summary>
    /// <param name="tensors">The tensors of the file.</param>
    /// <param name="layerTensors">Each layer's tensor names within its module, in order.</param>
    /// <param name="layerDescriptions">Each layer as messages name it, e.g. <c>Gru(8)</c>.</param>
    /// <param name="error">Why the file does not fit.</param>
    /// <returns>The index of each layer's module, as text, or null.</returns>
    public static string[]? IndexedModuleNames(IReadOnlyList<TensorEntry> tensors, string[][] layerTensors, string[] layerDescriptions, out string? error)
    {
        error = null;
        var modules = new SortedDictionary<int, List<string>>();
        foreach (TensorEntry tensor in tensors)
        {
            int dot = tensor.Name.IndexOf('.');
            string index = dot < 0 ? string.Empty : tensor.Name.Substring(0, dot);
            string parameter = dot < 0 ? string.Empty : tensor.Name.Substring(dot + 1);
            if (!IsCanonicalIndex(index) || parameter.Length == 0)
            {
                error = $"tensor '{tensor.Name}' is not named as a tensor of a numbered module (an nn.ModuleList of one module per layer: '0.weight', '1.weight_ih_l0', …)";
                return null;
            }

            int key = int.Parse(index, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!modules.TryGetValue(key, out List<string>? names))
            {
                modules[key] = names = new List<string>();
            }

            names.Add(parameter);
        }

        if (modules.Count != layerTensors.Length)
        {
            string found = modules.Count == 0 ? "none" : string.Join(", ", modules.Keys);
            error = $"the file holds {modules.Count} modules ({found}), but the network has {layerTensors.Length} layers";
            return null;
        }

        var result = new string[layerTensors.Length];
        int layer = 0;
        foreach (KeyValuePair<int, List<string>> module in modules)
        {
            var expected = new HashSet<string>(layerTensors[layer], StringComparer.Ordinal);
            if (!expected.SetEquals(module.Value))
            {
                module.Value.Sort(StringComparer.Ordinal);
                error = $"module {module.Key} holds {Quoted(module.Value)}, but layer {layer + 1} ({layerDescriptions[layer]}) has {Quoted(layerTensors[layer])}";
                return null;
            }

            result[layer++] = module.Key.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static string Quoted(IEnumerable<string> names)
    {
        var parts = new List<string>();
        foreach (string name in names)
        {
            parts.Add("'" + name + "'");
        }

        return string.Join(", ", parts);
    }

    /// <summary>A module index as PyTorch writes it: decimal digits without a leading zero, at most 9.</summary>
    private static bool IsCanonicalIndex(string text)
    {
        if (text.Length is 0 or > 9 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="text"/> is well-formed UTF-8 (The Unicode Standard, table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), as <c>System.Text.Unicode.Utf8.IsValid</c> decides; ASCII goes 8 bytes at a time.
    /// </summary>
    internal static bool IsValidUtf8(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i + 8 <= text.Length && (MemoryMarshal.Read<ulong>(text.Slice(i)) & 0x8080808080808080UL) == 0)
            {
                i += 8;
            }

            if (i >= text.Length)
            {
                break;
            }

            byte lead = text[i];
            if (lead < 0x80)
            {
                i++;
                continue;
            }

            // The allowed range of the second byte depends on the lead byte; every further byte is 80..BF.
            int length;
            byte low = 0x80, high = 0xBF;
            if (lead is >= 0xC2 and <= 0xDF)
            {
                length = 2;
            }
            else if (lead is >= 0xE0 and <= 0xEF)
            {
                length = 3;
                low = lead == 0xE0 ? (byte)0xA0 : (byte)0x80;
                high = lead == 0xED ? (byte)0x9F : (byte)0xBF;
            }
            else if (lead is >= 0xF0 and <= 0xF4)
            {
                length = 4;
                low = lead == 0xF0 ? (byte)0x90 : (byte)0x80;
                high = lead == 0xF4 ? (byte)0x8F : (byte)0xBF;
            }
            else
            {
                return false;
            }

            if (i + length > text.Length || text[i + 1] < low || text[i + 1] > high)
            {
                return false;
            }

            for (int k = 2; k < length; k++)
            {
                if (text[i + k] is < 0x80 or > 0xBF)
                {
                    return false;
                }
            }

            i += length;
        }

        return true;
    }

    /// <summary>
    /// Reads the JSON subset of a header from validated UTF-8: an object of names to tensor objects with <c>dtype</c>,
    /// <c>shape</c> and <c>data_offsets</c> (any other field skipped, its syntax checked), and an optional
    /// <c>__metadata__</c> object of strings (or null). Names and the strings that are read are unescaped, and like
    /// <c>Utf8JsonReader.GetString</c> reject a lone surrogate; skipped strings are not unescaped, as
    /// <c>Utf8JsonReader.Skip</c> does not.
    /// </summary>
    private ref struct Parser
    {
        private readonly ReadOnlySpan<byte> _json;
        private readonly List<long> _integers;
        private char[] _text;
        private int _textLength;
        private int _position;
        private int _depth;

        public Parser(ReadOnlySpan<byte> json)
        {
            _json = json;
            _integers = new List<long>();
            _text = new char[64];
            _textLength = 0;
            _position = 0;
            _depth = 0;
        }

        /// <summary>The last string read (a name or a value), unescaped.</summary>
        private readonly string Text => new(_text, 0, _textLength);

        public string? ReadHeader(List<TensorEntry> tensors, Dictionary<string, TensorEntry> byName)
        {
            if (_json.IsEmpty || _json[0] != (byte)'{')
            {
                return "the header is not a JSON object";
            }

            string? error = OpenObject();
            bool first = true, sawMetadata = false;
            while (error is null)
            {
                error = NextMember(ref first, out bool end);
                if (error is not null || end)
                {
                    break;
                }

                string name = Text;
                if (name == MetadataKey ? sawMetadata : byName.ContainsKey(name))
                {
                    return $"the name '{name}' appears twice in the header";
                }

                if (name == MetadataKey)
                {
                    sawMetadata = true;
                    error = ReadMetadata();
                    continue;
                }

                if (tensors.Count == MaxTensorCount)
                {
                    return $"the header describes more than {MaxTensorCount.ToString(CultureInfo.InvariantCulture)} tensors, the most StaticNet reads";
                }

                error = ReadTensor(name, out TensorEntry? tensor);
                if (tensor is not null)
                {
                    tensors.Add(tensor);
                    byName.Add(name, tensor);
                }
            }

            if (error is not null)
            {
                return error;
            }

            SkipWhitespace();
            return _position != _json.Length ? "the header is not valid JSON (it has content after its JSON object)" : null;
        }

        /// <summary>Consumes the opening brace of an object (after whitespace).</summary>
        private string? OpenObject()
        {
            SkipWhitespace();
            if (!TryConsume('{'))
            {
                return Syntax("an object");
            }

            return ++_depth > MaxDepth ? "the header is not valid JSON (it nests too deep)" : null;
        }

        /// <summary>
        /// After the opening brace or a member's value: consumes up to the next member's value, its name (unescaped) left
        /// in the text buffer, or consumes the closing brace and sets <paramref name="end"/>.
        /// </summary>
        private string? NextMember(ref bool first, out bool end)
        {
            end = false;
            SkipWhitespace();
            if (TryConsume('}'))
            {
                _depth--;
                end = true;
                return null;
            }

            if (!first && !TryConsume(','))
            {
                return Syntax("',' or '}'");
            }

            first = false;
            SkipWhitespace();
            string? error = ReadText();
            if (error is not null)
            {
                return error;
            }

            SkipWhitespace();
            return TryConsume(':') ? null : Syntax("':'");
        }

        /// <summary>Whether the text buffer holds <paramref name="text"/>, without making a string of it.</summary>
        private readonly bool TextEquals(string text)
        {
            if (_textLength != text.Length)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                if (_text[i] != text[i])
                {
                    return false;
                }
            }

            return true;
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
            string? error = OpenObject();
            bool first = true;
            while (error is null)
            {
                error = NextMember(ref first, out bool end);
                if (error is not null || end)
                {
                    return error;
                }

                string key = Text;
                SkipWhitespace();
                if (Peek() != '"')
                {
                    return $"the metadata value of '{key}' must be a string";
                }

                error = ReadText() ?? (keys.Add(key) ? null : $"the metadata key '{key}' appears twice");
            }

            return error;
        }

        private string? ReadTensor(string name, out TensorEntry? tensor)
        {
            tensor = null;
            SkipWhitespace();
            if (Peek() != '{')
            {
                return $"the entry of tensor '{name}' must be an object";
            }

            // The field names and the dtype are compared in the text buffer: a tensor allocates its name, its shape and
            // its entry, nothing else.
            int dtype = -2;
            long[]? shape = null;
            long begin = -1, end = -1;
            bool hasOffsets = false;
            string? error = OpenObject();
            bool first = true;
            while (error is null)
            {
                error = NextMember(ref first, out bool last);
                if (error is not null || last)
                {
                    break;
                }

                bool isDType = TextEquals("dtype"), isShape = TextEquals("shape"), isOffsets = TextEquals("data_offsets");
                if ((isDType && dtype != -2) || (isShape && shape is not null) || (isOffsets && hasOffsets))
                {
                    error = $"tensor '{name}' has '{Text}' twice";
                }
                else if (isDType)
                {
                    SkipWhitespace();
                    error = Peek() == '"' ? ReadText() : $"the dtype of tensor '{name}' must be a string";
                    dtype = error is null ? FindDType() : dtype;
                    if (dtype == -1)
                    {
                        return $"tensor '{name}' has the unknown dtype '{Text}'";
                    }
                }
                else if (isShape)
                {
                    error = ReadIntegers(name, "shape", MaxRank, out _);
                    shape = error is null ? _integers.ToArray() : null;
                }
                else if (isOffsets)
                {
                    error = ReadIntegers(name, "data_offsets", 2, out int count);
                    if (error is null && count != 2)
                    {
                        return $"the data_offsets of tensor '{name}' must be two integers [begin, end]";
                    }

                    (begin, end, hasOffsets) = error is null ? (_integers[0], _integers[1], true) : (begin, end, false);
                }
                else
                {
                    error = SkipValue();
                }
            }

            if (error is not null)
            {
                return error;
            }

            if (dtype < 0 || shape is null || !hasOffsets)
            {
                return $"tensor '{name}' needs 'dtype', 'shape' and 'data_offsets'";
            }

            int index = dtype;
            if (end < begin)
            {
                return $"tensor '{name}' ends (at {end}) before it begins (at {begin})";
            }

            long elements = 1;
            foreach (long dimension in shape)
            {
                if (!TryMultiply(elements, dimension, out elements))
                {
                    return $"the shape {TensorEntry.FormatShape(shape)} of tensor '{name}' is too large";
                }
            }

            var type = (TensorDType)index;
            bool fits = TryMultiply(elements, ElementSize(type), out long bytes);
            if (!fits || bytes != end - begin)
            {
                string needed = fits ? bytes.ToString(CultureInfo.InvariantCulture) : "more than 2^63";
                return $"tensor '{name}' of dtype {DTypeNames[index]} and shape {TensorEntry.FormatShape(shape)} needs {needed} bytes, but its data_offsets [{begin}, {end}] hold {end - begin}";
            }

            tensor = new TensorEntry(name, type, shape, begin, end);
            return null;
        }

        private static bool TryMultiply(long left, long right, out long product)
        {
            // Both are non-negative.
            if (left != 0 && right > long.MaxValue / left)
            {
                product = -1;
                return false;
            }

            product = left * right;
            return true;
        }

        /// <summary>
        /// Reads an array of non-negative integers into the integer buffer, at most <paramref name="limit"/> of them
        /// (checked as they come); <paramref name="count"/> is how many.
        /// </summary>
        private string? ReadIntegers(string name, string field, int limit, out int count)
        {
            count = 0;
            SkipWhitespace();
            if (!TryConsume('['))
            {
                return $"the {field} of tensor '{name}' must be an array of integers";
            }

            if (++_depth > MaxDepth)
            {
                return "the header is not valid JSON (it nests too deep)";
            }

            _integers.Clear();
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
                    return Peek() is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'t' or (byte)'f' or (byte)'n' ? $"the {field} of tensor '{name}' must hold non-negative integers" : error;
                }

                if (!isInteger || value < 0)
                {
                    return $"the {field} of tensor '{name}' must hold non-negative integers";
                }

                if (_integers.Count == limit)
                {
                    return field == "shape"
                        ? $"the shape of tensor '{name}' has more than {limit} dimensions"
                        : $"the data_offsets of tensor '{name}' must be two integers [begin, end]";
                }

                _integers.Add(value);
                SkipWhitespace();
                if (TryConsume(']'))
                {
                    _depth--;
                    count = _integers.Count;
                    return null;
                }

                if (!TryConsume(','))
                {
                    return Syntax("',' or ']'");
                }
            }
        }

        /// <summary>Skips any JSON value, checking its syntax; strings are not unescaped.</summary>
        private string? SkipValue()
        {
            SkipWhitespace();
            switch (Peek())
            {
                case (byte)'{':
                {
                    string? error = OpenObject();
                    bool first = true;
                    while (error is null)
                    {
                        error = NextMember(ref first, out bool end);
                        if (error is not null || end)
                        {
                            return error;
                        }

                        error = SkipValue();
                    }

                    return error;
                }

                case (byte)'[':
                {
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
                }

                case (byte)'"':
                    return ScanString(unescape: false);
                case (byte)'t':
                    return TryConsumeLiteral("true") ? null : Syntax("a value");
                case (byte)'f':
                    return TryConsumeLiteral("false") ? null : Syntax("a value");
                case (byte)'n':
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
            bool negative = TryConsume('-');
            bool fits = true;
            if (Peek() == '0')
            {
                _position++;
            }
            else if (Peek() is >= (byte)'1' and <= (byte)'9')
            {
                while (Peek() is >= (byte)'0' and <= (byte)'9')
                {
                    int digit = _json[_position++] - '0';
                    fits &= value <= (long.MaxValue - digit) / 10;
                    value = fits ? (value * 10) + digit : 0;
                }
            }
            else
            {
                return Syntax("a value");
            }

            bool fraction = false;
            if (TryConsume('.'))
            {
                fraction = true;
                if (!SkipDigits())
                {
                    return Syntax("a digit");
                }
            }

            if (Peek() is (byte)'e' or (byte)'E')
            {
                fraction = true;
                _position++;
                if (Peek() is (byte)'+' or (byte)'-')
                {
                    _position++;
                }

                if (!SkipDigits())
                {
                    return Syntax("a digit");
                }
            }

            isInteger = fits && !fraction;
            value = isInteger ? (negative ? -value : value) : 0;
            return null;
        }

        private bool SkipDigits()
        {
            int start = _position;
            while (Peek() is >= (byte)'0' and <= (byte)'9')
            {
                _position++;
            }

            return _position > start;
        }

        /// <summary>Reads a string whose quote is next into the text buffer, unescaped.</summary>
        private string? ReadText()
        {
            if (Peek() != '"')
            {
                return Syntax("a string");
            }

            _textLength = 0;
            string? error = ScanString(unescape: true);
            if (error is not null)
            {
                return error;
            }

            // Like Utf8JsonReader.GetString: an escaped lone surrogate cannot become a string.
            for (int i = 0; i < _textLength; i++)
            {
                if (char.IsHighSurrogate(_text[i]) && i + 1 < _textLength && char.IsLowSurrogate(_text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(_text[i]))
                {
                    return "the header is not valid UTF-8 JSON (a string holds a lone surrogate)";
                }
            }

            return null;
        }

        /// <summary>The <see cref="TensorDType"/> named by the text buffer, or -1.</summary>
        private readonly int FindDType()
        {
            for (int i = 0; i < DTypeNames.Length; i++)
            {
                if (TextEquals(DTypeNames[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Scans a string whose quote is next; with <paramref name="unescape"/>, appends its text to the string buffer.</summary>
        private string? ScanString(bool unescape)
        {
            _position++;
            while (_position < _json.Length)
            {
                byte c = _json[_position++];
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
                    if (unescape)
                    {
                        AppendUtf8(c);
                    }

                    continue;
                }

                if (_position >= _json.Length)
                {
                    break;
                }

                byte escape = _json[_position++];
                char unescaped;
                switch (escape)
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/':
                        unescaped = (char)escape;
                        break;
                    case (byte)'b':
                        unescaped = '\b';
                        break;
                    case (byte)'f':
                        unescaped = '\f';
                        break;
                    case (byte)'n':
                        unescaped = '\n';
                        break;
                    case (byte)'r':
                        unescaped = '\r';
                        break;
                    case (byte)'t':
                        unescaped = '\t';
                        break;
                    case (byte)'u':
                        int code = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            int digit = _position + k < _json.Length ? HexValue(_json[_position + k]) : -1;
                            if (digit < 0)
                            {
                                return "the header is not valid JSON (a bad \\u escape)";
                            }

                            code = (code << 4) | digit;
                        }

                        _position += 4;
                        unescaped = (char)code;
                        break;
                    default:
                        return "the header is not valid JSON (a bad escape)";
                }

                if (unescape)
                {
                    Append(unescaped);
                }
            }

            return "the header ends in the middle of its JSON object";
        }

        /// <summary>Appends the character that starts with <paramref name="lead"/> (the header is valid UTF-8), consuming its other bytes.</summary>
        private void AppendUtf8(byte lead)
        {
            if (lead < 0x80)
            {
                Append((char)lead);
                return;
            }

            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            int code = lead & (0x7F >> length);
            for (int k = 1; k < length; k++)
            {
                code = (code << 6) | (_json[_position++] & 0x3F);
            }

            if (code < 0x10000)
            {
                Append((char)code);
            }
            else
            {
                code -= 0x10000;
                Append((char)(0xD800 + (code >> 10)));
                Append((char)(0xDC00 + (code & 0x3FF)));
            }
        }

        private void Append(char c)
        {
            if (_textLength == _text.Length)
            {
                Array.Resize(ref _text, 2 * _text.Length);
            }

            _text[_textLength++] = c;
        }

        private static int HexValue(byte c) => c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            _ => -1,
        };

        private void SkipWhitespace()
        {
            while (_position < _json.Length && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                _position++;
            }
        }

        private readonly byte Peek() => _position < _json.Length ? _json[_position] : (byte)0;

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
            if (_position + literal.Length > _json.Length)
            {
                return false;
            }

            for (int i = 0; i < literal.Length; i++)
            {
                if (_json[_position + i] != literal[i])
                {
                    return false;
                }
            }

            _position += literal.Length;
            return true;
        }

        private readonly string Syntax(string expected) => _position >= _json.Length
            ? "the header ends in the middle of its JSON object"
            : $"the header is not valid JSON (expected {expected} at byte {_position})";
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Unicode;

namespace StaticNet;

/// <summary>The element types of the safetensors format, with their sizes; the four StaticNet loads are marked.</summary>
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
internal sealed record TensorEntry(string Name, TensorDType DType, string DTypeName, long[] Shape, long Begin, long End)
{
    public long Length => End - Begin;

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(ReadOnlySpan<long> shape)
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
/// A parsed and fully validated safetensors header (the format: an 8-byte little-endian header length, a UTF-8 JSON
/// object of <c>name -&gt; {dtype, shape, data_offsets}</c> and an optional <c>__metadata__</c> map of strings, then the
/// raw little-endian data). Validation follows the reference implementation: known dtypes, non-negative integer shapes
/// whose byte size matches the offsets, and offsets that cover the data exactly once, without holes or overlaps.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The longest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The reserved key of the metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(List<TensorEntry> tensors, Dictionary<string, TensorEntry> byName, Dictionary<string, string> metadata, long dataLength)
    {
        Tensors = tensors;
        ByName = byName;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>The tensors in the order of the header.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, TensorEntry> ByName { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The length of the data section the header describes: the end of the last tensor.</summary>
    public long DataLength { get; }

    public static int ElementSize(TensorDType dtype) => dtype switch
    {
        TensorDType.Bool or TensorDType.U8 or TensorDType.I8 or TensorDType.F8E5M2 or TensorDType.F8E4M3 => 1,
        TensorDType.I16 or TensorDType.U16 or TensorDType.F16 or TensorDType.BF16 => 2,
        TensorDType.I32 or TensorDType.U32 or TensorDType.F32 => 4,
        _ => 8,
    };

    public static bool IsLoadable(TensorDType dtype) => dtype is TensorDType.F16 or TensorDType.BF16 or TensorDType.F32 or TensorDType.F64;

    private static readonly string[] DTypeNames =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "I64", "U64", "F64"];

    /// <summary>Matches the current string token against the dtype names without allocating a string for it.</summary>
    private static bool TryParseDType(ref Utf8JsonReader reader, out TensorDType dtype)
    {
        for (int i = 0; i < DTypeNames.Length; i++)
        {
            if (reader.ValueTextEquals(DTypeNames[i]))
            {
                dtype = (TensorDType)i;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>Parses and validates the JSON header.</summary>
    /// <exception cref="InvalidDataException">The header is not a valid safetensors header.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        // As the reference implementation: the whole header must be UTF-8 and start with the object's brace.
        if (!Utf8.IsValid(json))
        {
            throw Invalid("the header is not valid UTF-8");
        }

        if (json.IsEmpty || json[0] != (byte)'{')
        {
            throw Invalid("the header is not a JSON object");
        }

        var tensors = new List<TensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var byName = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        bool sawMetadata = false;
        var integers = new List<long>();
        try
        {
            // The deepest legal value is a shape array inside a tensor object inside the root: depth 3.
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid("the header is not a JSON object");
            }

            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (name == MetadataKey ? sawMetadata : byName.ContainsKey(name))
                {
                    throw Invalid($"the name '{name}' appears twice in the header");
                }

                Read(ref reader);
                if (name == MetadataKey)
                {
                    sawMetadata = true;
                    ReadMetadata(ref reader, metadata);
                }
                else
                {
                    TensorEntry tensor = ReadTensor(ref reader, name, integers);
                    tensors.Add(tensor);
                    byName.Add(name, tensor);
                }
            }

            if (reader.Read())
            {
                throw Invalid("the header has content after its JSON object");
            }
        }
        catch (JsonException exception)
        {
            throw Invalid($"the header is not valid JSON ({exception.Message})");
        }
        catch (InvalidOperationException exception)
        {
            // Utf8JsonReader.GetString on invalid UTF-8, for example.
            throw Invalid($"the header is not valid UTF-8 JSON ({exception.Message})");
        }

        return new SafeTensorsHeader(tensors, byName, metadata, Validate(tensors));
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Invalid("the header ends in the middle of its JSON object");
        }
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("'__metadata__' must be an object of strings");
        }
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Invalid($"the metadata value of '{key}' must be a string");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid($"the metadata key '{key}' appears twice");
            }
        }
    }

    private static TensorEntry ReadTensor(ref Utf8JsonReader reader, string name, List<long> integers)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid($"the entry of tensor '{name}' must be an object");
        }
        TensorDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            bool isDType = reader.ValueTextEquals("dtype"u8), isShape = reader.ValueTextEquals("shape"u8), isOffsets = reader.ValueTextEquals("data_offsets"u8);
            if (!isDType && !isShape && !isOffsets)
            {
                // Another field: its name must still be a valid string, as in the reference implementation.
                _ = reader.GetString();
                Read(ref reader);
                reader.Skip();
                continue;
            }

            if ((isDType && dtype is not null) || (isShape && shape is not null) || (isOffsets && offsets is not null))
            {
                throw Invalid($"tensor '{name}' has '{reader.GetString()}' twice");
            }

            Read(ref reader);
            if (isDType)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Invalid($"the dtype of tensor '{name}' must be a string");
                }
                dtype = TryParseDType(ref reader, out TensorDType parsed) ? parsed
                    : throw Invalid($"tensor '{name}' has the unknown dtype '{reader.GetString()}'");
            }
            else if (isShape)
            {
                shape = ReadIntegers(ref reader, name, "shape", integers);
            }
            else
            {
                offsets = ReadIntegers(ref reader, name, "data_offsets", integers);
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            throw Invalid($"tensor '{name}' needs 'dtype', 'shape' and 'data_offsets'");
        }

        if (offsets.Length != 2)
        {
            throw Invalid($"the data_offsets of tensor '{name}' must be two integers [begin, end]");
        }

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw Invalid($"tensor '{name}' ends (at {end}) before it begins (at {begin})");
        }

        long elements = 1;
        foreach (long dimension in shape)
        {
            if (!TryMultiply(elements, dimension, out elements))
            {
                throw Invalid($"the shape {TensorEntry.FormatShape(shape)} of tensor '{name}' is too large");
            }
        }

        string dtypeName = DTypeNames[(int)dtype.Value];
        bool fits = TryMultiply(elements, ElementSize(dtype.Value), out long bytes);
        if (!fits || bytes != end - begin)
        {
            string needed = fits ? bytes.ToString(CultureInfo.InvariantCulture) : "more than 2^63";
            throw Invalid($"tensor '{name}' of dtype {dtypeName} and shape {TensorEntry.FormatShape(shape)} needs {needed} bytes, but its data_offsets [{begin}, {end}] hold {end - begin}");
        }

        return new TensorEntry(name, dtype.Value, dtypeName, shape, begin, end);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, List<long> values)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid($"the {field} of tensor '{name}' must be an array of integers");
        }
        values.Clear();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values.ToArray();
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                throw Invalid($"the {field} of tensor '{name}' must hold non-negative integers");
            }

            values.Add(value);
        }
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

    /// <summary>The tensors must cover the data from 0 to its end exactly once: sorted by offset, each begins where the previous one ends.</summary>
    private static long Validate(List<TensorEntry> tensors)
    {
        var sorted = tensors.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (TensorEntry tensor in sorted)
        {
            if (tensor.Begin != expected)
            {
                throw Invalid(tensor.Begin > expected
                    ? $"the data has a hole: no tensor covers bytes [{expected}, {tensor.Begin})"
                    : $"tensor '{tensor.Name}' overlaps another tensor at byte {tensor.Begin}");
            }

            expected = tensor.End;
        }

        return expected;
    }

    public static InvalidDataException Invalid(string reason) => new($"Not a valid safetensors file: {reason}.");
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace StaticNet.Tests.Shared;

/// <summary>
/// The fuzz corpus of the safetensors readers, for a network of layers 2 -> 16 -> 16 -> 3 (the PyTorch spiral model):
/// valid files, hand-crafted hostile files and seeded random corruptions of the valid ones. Shared (linked) by
/// StaticNet.Tests, which feeds it to SafeTensors.Load, and StaticNet.Generator.Tests, which checks that the
/// generator's reader agrees with the runtime's on every file.
/// </summary>
internal static class SafeTensorsCorpus
{
    public static readonly int[] Sizes = [2, 16, 16, 3];

    public const int ParameterCount = (2 * 16) + 16 + (16 * 16) + 16 + (16 * 3) + 3;

    /// <summary>How many seeded corruptions of the valid files there are.</summary>
    public const int MutationCount = 1200;

    /// <summary>Every case: a name that says how it was made, and the bytes.</summary>
    public static IReadOnlyList<(string Name, byte[] File)> All { get; } = Build();

    /// <summary>A valid file of the spiral topology with values derived from <paramref name="seed"/>, tensors named by <paramref name="prefixes"/>.</summary>
    public static byte[] Valid(string dtype = "F32", int seed = 1, string[]? prefixes = null, string? metadata = "{\"format\":\"pt\"}")
    {
        prefixes ??= ["0", "2", "4"];
        var tensors = new List<(string Name, string DType, long[] Shape, byte[] Data)>();
        var random = new Random(seed);
        for (int layer = 0; layer < 3; layer++)
        {
            int inputs = Sizes[layer], outputs = Sizes[layer + 1];
            tensors.Add((prefixes[layer] + ".weight", dtype, [outputs, inputs], Values(random, inputs * outputs, dtype)));
            tensors.Add((prefixes[layer] + ".bias", dtype, [outputs], Values(random, outputs, dtype)));
        }

        return Write(tensors, metadata);
    }

    /// <summary>Writes a file: the header lists the tensors in order with contiguous offsets, then the data.</summary>
    public static byte[] Write(IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> tensors, string? metadata = null)
    {
        var header = new StringBuilder("{");
        if (metadata is not null)
        {
            header.Append("\"__metadata__\":").Append(metadata);
        }

        var data = new List<byte>();
        foreach ((string name, string dtype, long[] shape, byte[] bytes) in tensors)
        {
            if (header.Length > 1)
            {
                header.Append(',');
            }

            header.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}}");
            data.AddRange(bytes);
        }

        header.Append('}');
        return Assemble(header.ToString(), data.ToArray());
    }

    /// <summary>A file from a header text (padded with spaces to 8 bytes, as the reference writer does) and data.</summary>
    public static byte[] Assemble(string header, byte[] data) => Assemble(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Assemble(byte[] header, byte[] data)
    {
        int padded = header.Length + ((8 - (header.Length % 8)) % 8);
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    private static byte[] Values(Random random, int count, string dtype)
    {
        int size = dtype switch { "F64" or "I64" => 8, "F16" or "BF16" => 2, _ => 4 };
        var bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            double value = (random.NextDouble() * 2) - 1;
            Span<byte> slot = bytes.AsSpan(i * size, size);
            switch (dtype)
            {
                case "F64":
                    BinaryPrimitives.WriteDoubleLittleEndian(slot, value);
                    break;
                case "F16":
                    BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)value);
                    break;
                case "BF16":
                    BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)(BitConverter.SingleToInt32Bits((float)value) >> 16));
                    break;
                case "I64":
                    BinaryPrimitives.WriteInt64LittleEndian(slot, random.Next());
                    break;
                default:
                    BinaryPrimitives.WriteSingleLittleEndian(slot, (float)value);
                    break;
            }
        }

        return bytes;
    }

    private static byte[] Header(string json) => Assemble(json, []);

    private static byte[] WithLength(byte[] file, ulong length)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    private static string Tensor(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    /// <summary>The tensors of a file written by <see cref="Write"/>, with their data, in header order.</summary>
    private static List<(string Name, string DType, long[] Shape, byte[] Data)> Layers(byte[] file)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, headerLength));
        var tensors = new List<(string, string, long[], byte[])>();
        foreach (System.Text.Json.JsonProperty tensor in header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
        {
            long[] offsets = tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            tensors.Add((tensor.Name, tensor.Value.GetProperty("dtype").GetString()!, tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                file[(8 + headerLength + (int)offsets[0])..(8 + headerLength + (int)offsets[1])]));
        }

        return tensors;
    }

    /// <summary>A copy of a file written by <see cref="Write"/> with element <paramref name="index"/> of a tensor set to <paramref name="value"/>.</summary>
    private static byte[] WithValue(byte[] file, string tensor, int index, double value)
    {
        var tensors = Layers(file);
        int at = tensors.FindIndex(t => t.Name == tensor);
        (string name, string dtype, long[] shape, byte[] data) = tensors[at];
        data = (byte[])data.Clone();
        if (dtype == "F64")
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * index), value);
        }
        else
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * index), (float)value);
        }

        tensors[at] = (name, dtype, shape, data);
        return Write(tensors, "{\"format\":\"pt\"}");
    }

    private static List<(string, byte[])> HandCrafted()
    {
        byte[] valid = Valid();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string header = Encoding.UTF8.GetString(valid, 8, headerLength).TrimEnd(' ');
        byte[] data = valid[(8 + headerLength)..];
        var cases = new List<(string, byte[])>
        {
            ("valid F32", valid),
            ("valid F64", Valid("F64", 2)),
            ("valid F16", Valid("F16", 3)),
            ("valid BF16", Valid("BF16", 4)),
            ("valid without metadata", Valid(metadata: null)),
            ("valid with null metadata", Valid(metadata: "null")),
            ("valid with Sequential indices 0, 3, 7", Valid(seed: 5, prefixes: ["0", "3", "7"])),
            ("named modules without layer names", Valid(prefixes: ["fc1", "fc2", "out"])),
            ("empty file", []),
            ("seven bytes", new byte[7]),
            ("header length 0", new byte[8]),
            ("header length 0 with data", WithLength(valid, 0)),
            ("header length u64 max", WithLength(valid, ulong.MaxValue)),
            ("header length 2^63", WithLength(valid, 1UL << 63)),
            ("header length 2^31", WithLength(valid, 1UL << 31)),
            ("header length above the 100 MB limit", WithLength(valid, 100_000_001)),
            ("header length one past the file", WithLength(valid, (ulong)valid.Length - 7)),
            ("header length one short", WithLength(valid, (ulong)headerLength - 1)),
            ("header length one long", WithLength(valid, (ulong)headerLength + 1)),
            ("header only, no 8-byte prefix", Encoding.UTF8.GetBytes(header)),
            ("empty object", Header("{}")),
            ("array header", Header("[]")),
            ("null header", Header("null")),
            ("number header", Header("123")),
            ("unterminated object", Header("{")),
            ("unterminated string", Header("{\"0.weight")),
            ("a tensor that is a number", Header("{\"a\":1}")),
            ("a tensor that is an array", Header("{\"a\":[]}")),
            ("leading space", Header(" " + header)),
            ("UTF-8 byte order mark", Assemble([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(header)], data)),
            ("invalid UTF-8 in a name", Assemble([.. Encoding.UTF8.GetBytes("{\"\xff"), 0xFF, .. Encoding.UTF8.GetBytes("\":1}")], [])),
            ("invalid UTF-8 in skipped metadata", Assemble([.. Encoding.UTF8.GetBytes(header[..^1] + ",\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"note\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}")], data)),
            ("trailing garbage after the object", Assemble(header + "x", data)),
            ("trailing second object", Assemble(header + "{}", data)),
            ("trailing newline and tab", Assemble(header + "\n\t", data)),
            ("duplicate tensor name", Assemble(header[..^1] + "," + Tensor("0.weight", "F32", "[0]", "[0,0]") + "}", data)),
            ("duplicate metadata key", Assemble("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}," + header[1..], data)),
            ("metadata with a number", Assemble("{\"__metadata__\":{\"a\":1}," + header[1..], data)),
            ("metadata that is an array", Assemble("{\"__metadata__\":[]," + header[1..], data)),
            ("two metadata maps", Assemble("{\"__metadata__\":{},\"__metadata__\":{}," + header[1..], data)),
            ("duplicate dtype field", Header("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            ("missing dtype", Header("{\"a\":{\"shape\":[0],\"data_offsets\":[0,0]}}")),
            ("missing shape", Header("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}")),
            ("missing offsets", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[0]}}")),
            ("unknown dtype", Header("{" + Tensor("a", "F128", "[0]", "[0,0]") + "}")),
            ("lower-case dtype", Header("{" + Tensor("a", "f32", "[0]", "[0,0]") + "}")),
            ("dtype that is a number", Header("{\"a\":{\"dtype\":32,\"shape\":[0],\"data_offsets\":[0,0]}}")),
            ("negative dimension", Header("{" + Tensor("a", "F32", "[-1]", "[0,0]") + "}")),
            ("minus zero dimension", Header("{" + Tensor("a", "F32", "[-0]", "[0,0]") + "}")),
            ("fractional dimension", Header("{" + Tensor("a", "F32", "[2.0]", "[0,8]") + "}")),
            ("exponent dimension", Header("{" + Tensor("a", "F32", "[1e1]", "[0,40]") + "}")),
            ("dimension above long", Header("{" + Tensor("a", "F32", "[99999999999999999999]", "[0,0]") + "}")),
            ("shape whose product overflows", Header("{" + Tensor("a", "F32", "[4611686018427387904,4]", "[0,0]") + "}")),
            ("shape whose byte size overflows", Header("{" + Tensor("a", "F64", "[2305843009213693952]", "[0,0]") + "}")),
            ("huge shape, small offsets", Assemble("{" + Tensor("0.weight", "F32", "[100000,100000]", "[0,128]") + "}", new byte[128])),
            ("huge shape and offsets", Assemble("{" + Tensor("0.weight", "F32", "[100000,100000]", "[0,40000000000]") + "}", new byte[128])),
            ("shape that is a string", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":\"[0]\",\"data_offsets\":[0,0]}}")),
            ("shape with null", Header("{" + Tensor("a", "F32", "[null]", "[0,0]") + "}")),
            ("nested shape", Header("{" + Tensor("a", "F32", "[[1]]", "[0,4]") + "}")),
            ("three offsets", Header("{" + Tensor("a", "F32", "[0]", "[0,0,0]") + "}")),
            ("one offset", Header("{" + Tensor("a", "F32", "[0]", "[0]") + "}")),
            ("reversed offsets", Assemble("{" + Tensor("a", "F32", "[1]", "[4,0]") + "}", new byte[4])),
            ("negative offset", Assemble("{" + Tensor("a", "F32", "[1]", "[-4,0]") + "}", new byte[4])),
            ("offset past the data", Assemble("{" + Tensor("a", "F32", "[1]", "[0,4]") + "}", new byte[2])),
            ("overlapping tensors", Assemble("{" + Tensor("a", "F32", "[2]", "[0,8]") + "," + Tensor("b", "F32", "[2]", "[4,12]") + "}", new byte[12])),
            ("two tensors on the same bytes", Assemble("{" + Tensor("a", "F32", "[2]", "[0,8]") + "," + Tensor("b", "F32", "[2]", "[0,8]") + "}", new byte[8])),
            ("a hole between tensors", Assemble("{" + Tensor("a", "F32", "[1]", "[0,4]") + "," + Tensor("b", "F32", "[1]", "[8,12]") + "}", new byte[12])),
            ("data truncated by one byte", valid[..^1]),
            ("data truncated to nothing", valid[..(8 + headerLength)]),
            ("one byte of data too many", [.. valid, 0]),
            ("unknown field in a tensor", Assemble(header.Replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"extra\":{\"x\":[1,true,null,\"s\"]}", StringComparison.Ordinal), data)),
            ("unknown field nested 4 deep", Assemble(header.Replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"extra\":[[1]]", StringComparison.Ordinal), data)),
            ("unknown field nested 5 deep", Assemble(header.Replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"extra\":[[[1]]]", StringComparison.Ordinal), data)),
            ("objects nested 10,000 deep", Header(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000))),
            ("arrays nested 10,000 deep", Header("{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}")),
            ("comment in the header", Assemble("/* c */" + header, data)),
            ("single-quoted name", Header("{'a':1}")),
            ("control character in a name", Header("{\"a\u0001\":{}}")),
            ("lone surrogate escape in a name", Header("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            ("lone surrogate escape in a skipped field", Assemble(header.Replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"x\":\"\\ud800\"", StringComparison.Ordinal), data)),
            ("bad escape", Header("{\"a\\q\":1}")),
            ("escaped names of a valid file", Assemble(header.Replace("\"0.weight\"", "\"\\u0030.weight\"", StringComparison.Ordinal), data)),
            ("a renamed bias", Assemble(header.Replace("\"4.bias\"", "\"4.bias_\"", StringComparison.Ordinal), data)),
            ("a missing bias", Write([("0.weight", "F32", [16, 2], new byte[128]), ("0.bias", "F32", [16], new byte[64]), ("2.weight", "F32", [16, 16], new byte[1024]), ("2.bias", "F32", [16], new byte[64]), ("4.weight", "F32", [3, 16], new byte[192])])),
            ("a leading zero index", Assemble(header.Replace("\"2.weight\"", "\"02.weight\"", StringComparison.Ordinal), data)),
            ("an index with a sign", Assemble(header.Replace("\"2.weight\"", "\"+2.weight\"", StringComparison.Ordinal), data)),
            ("a transposed weight", Assemble(header.Replace("[16,2]", "[2,16]", StringComparison.Ordinal), data)),
            ("I64 weights", Write([("0.weight", "I64", [16, 2], Values(new Random(1), 32, "I64")), ("0.bias", "F32", [16], new byte[64]), ("2.weight", "F32", [16, 16], new byte[1024]), ("2.bias", "F32", [16], new byte[64]), ("4.weight", "F32", [3, 16], new byte[192]), ("4.bias", "F32", [3], new byte[12])])),
            ("an extra layer", Write([("0.weight", "F32", [16, 2], new byte[128]), ("0.bias", "F32", [16], new byte[64]), ("2.weight", "F32", [16, 16], new byte[1024]), ("2.bias", "F32", [16], new byte[64]), ("4.weight", "F32", [3, 16], new byte[192]), ("4.bias", "F32", [3], new byte[12]), ("6.weight", "F32", [3, 3], new byte[36]), ("6.bias", "F32", [3], new byte[12])])),
            ("a BatchNorm buffer", Write([("0.weight", "F32", [16, 2], new byte[128]), ("0.bias", "F32", [16], new byte[64]), ("1.running_mean", "F32", [16], new byte[64]), ("2.weight", "F32", [16, 16], new byte[1024]), ("2.bias", "F32", [16], new byte[64]), ("4.weight", "F32", [3, 16], new byte[192]), ("4.bias", "F32", [3], new byte[12])])),
            ("10,000 empty tensors", Write(Enumerable.Range(0, 10_000).Select(i => ($"t{i}", "F32", new long[] { 0 }, Array.Empty<byte>())))),
            ("100,000 empty tensors and the layers", Write([.. Layers(Valid()), .. Enumerable.Range(0, 100_000 - 6).Select(i => ($"t{i}", "F32", new long[] { 0 }, Array.Empty<byte>()))])),
            ("100,001 empty tensors", Write(Enumerable.Range(0, 100_001).Select(i => ($"t{i}", "F32", new long[] { 0 }, Array.Empty<byte>())))),
            ("a shape of rank 65", Header("{" + Tensor("a", "F32", "[" + string.Join(",", Enumerable.Repeat("1", 65)) + "]", "[0,4]") + "}")),
            ("a shape of rank 64", Assemble("{" + Tensor("a", "F32", "[" + string.Join(",", Enumerable.Repeat("1", 64)) + "]", "[0,4]") + "}", new byte[4])),
            ("NaN weight", WithValue(valid, "0.weight", 3, float.NaN)),
            ("infinite bias", WithValue(valid, "4.bias", 2, float.NegativeInfinity)),
            ("F64 value beyond the float range", WithValue(Valid("F64", 2), "2.bias", 0, 1e300)),
        };
        return cases;
    }

    private static List<(string, byte[])> Build()
    {
        var cases = HandCrafted();
        byte[][] bases = [Valid(), Valid("F64", 2), Valid("F16", 3), Valid("BF16", 4)];
        var random = new Random(20240601);
        const string JsonCharacters = "{}[]\",:0123456789-.eE \\u";
        for (int i = 0; i < MutationCount; i++)
        {
            byte[] file = (byte[])bases[i % bases.Length].Clone();
            int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
            string kind;
            switch (random.Next(7))
            {
                case 0:
                    kind = "bit flips";
                    for (int flips = random.Next(1, 5); flips > 0; flips--)
                    {
                        int at = random.Next(file.Length);
                        file[at] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1:
                    kind = "truncated";
                    file = file[..random.Next(file.Length)];
                    break;
                case 2:
                    kind = "header length";
                    ulong length = random.Next(3) switch
                    {
                        0 => (ulong)random.Next(file.Length + 16),
                        1 => (ulong)random.NextInt64(),
                        _ => (ulong)(headerEnd - 8 + random.Next(-9, 10)),
                    };
                    BinaryPrimitives.WriteUInt64LittleEndian(file, length);
                    break;
                case 3:
                    kind = "header character";
                    for (int edits = random.Next(1, 3); edits > 0; edits--)
                    {
                        file[random.Next(8, headerEnd)] = (byte)JsonCharacters[random.Next(JsonCharacters.Length)];
                    }

                    break;
                case 4:
                    kind = "header digit";
                    int[] digits = Enumerable.Range(8, headerEnd - 8).Where(at => file[at] is >= (byte)'0' and <= (byte)'9').ToArray();
                    file[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
                    break;
                case 5:
                    kind = "bytes inserted or removed";
                    int position = random.Next(8, file.Length);
                    file = random.Next(2) == 0
                        ? [.. file[..position], .. Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)), .. file[position..]]
                        : [.. file[..position], .. file[Math.Min(file.Length, position + random.Next(1, 9))..]];
                    break;
                default:
                    kind = "data bytes";
                    for (int edits = random.Next(1, 9); edits > 0 && headerEnd < file.Length; edits--)
                    {
                        file[random.Next(headerEnd, file.Length)] = (byte)random.Next(256);
                    }

                    break;
            }

            cases.Add(($"mutation {i}: {kind}", file));
        }

        return cases;
    }
}

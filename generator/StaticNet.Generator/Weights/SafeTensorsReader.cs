using System;

namespace StaticNet.Generator.Weights;

/// <summary>
/// Reads a whole safetensors file held in memory: the 8-byte header length, then the header, checked by the rules the
/// runtime library's <c>SafeTensors.Load</c> applies, from the same source file (src/StaticNet/Files/SafeTensorsHeader.cs,
/// linked into this project). Never throws on bad input: <see cref="TryRead"/> returns the reason instead.
/// </summary>
internal static class SafeTensorsReader
{
    /// <summary>Reads the header of <paramref name="file"/>; returns null, the header and where the data starts, or the reason the file is invalid.</summary>
    public static string? TryRead(ReadOnlySpan<byte> file, out SafeTensorsHeader? header, out int dataStart)
    {
        header = null;
        dataStart = 0;
        if (file.Length < 8)
        {
            return SafeTensorsHeader.ShorterThanPrefix;
        }

        ulong headerLength = SafeTensorsHeader.ReadHeaderLength(file);
        string? error = SafeTensorsHeader.CheckHeaderLength(headerLength, file.Length - 8)
            ?? SafeTensorsHeader.TryParse(file.Slice(8, (int)headerLength), out header);
        if (error is not null)
        {
            return error;
        }

        dataStart = 8 + (int)headerLength;
        return SafeTensorsHeader.CheckDataLength(header!.DataLength, file.Length - dataStart);
    }
}

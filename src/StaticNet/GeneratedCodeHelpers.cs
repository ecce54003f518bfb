using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>Helpers called by generated network code. Not meant to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeHelpers
{
    /// <summary>Throws the <see cref="ArgumentException"/> for a span of the wrong length.</summary>
    /// <param name="paramName">The name of the span parameter.</param>
    /// <param name="expected">The length the network needs.</param>
    /// <param name="actual">The length given.</param>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(string paramName, long expected, int actual) =>
        throw new ArgumentException($"'{paramName}' must have length {expected}, but has length {actual}.", paramName);

    /// <summary>Throws the <see cref="ArgumentException"/> for a batch span whose length is not a multiple of the sample size.</summary>
    /// <param name="paramName">The name of the span parameter.</param>
    /// <param name="sampleSize">The length of one sample.</param>
    /// <param name="actual">The length given.</param>
    [DoesNotReturn]
    public static void ThrowNotMultiple(string paramName, int sampleSize, int actual) =>
        throw new ArgumentException($"'{paramName}' must have a length that is a multiple of {sampleSize}, but has length {actual}.", paramName);

    /// <summary>Throws the <see cref="ArgumentOutOfRangeException"/> for a class index outside [0, classes).</summary>
    /// <param name="label">The class index given.</param>
    /// <param name="classes">The number of classes (the output size).</param>
    [DoesNotReturn]
    public static void ThrowLabelOutOfRange(int label, int classes) =>
        throw new ArgumentOutOfRangeException(nameof(label), label, $"'label' must be in [0, {classes}), but is {label}.");

    /// <summary>
    /// Allocates the array behind a network's parameters so that the parameters, from <paramref name="offset"/> on, start
    /// on a 64-byte boundary: a cache line, and one 512-bit vector, so that no vector load of a weight row straddles two
    /// lines. The array lives on the pinned object heap, which never moves it, so the alignment holds for its lifetime; at
    /// least 64 bytes of it follow the last parameter.
    /// </summary>
    /// <typeparam name="T">The scalar type, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="count">The number of parameters.</param>
    /// <param name="offset">Receives the index of the first parameter in the array.</param>
    /// <returns>The array: <paramref name="count"/> zeros from <paramref name="offset"/>.</returns>
    public static T[] AllocateParameters<T>(int count, out int offset)
        where T : unmanaged
    {
        const int Alignment = 64;
        int size = Marshal.SizeOf<T>();
        // Room for the offset, and at least 64 bytes after the parameters: the 512-bit kernels may load a vector that
        // starts at the last biases (the lanes past them are ignored).
        T[] array = GC.AllocateArray<T>(count + (2 * Alignment / size), pinned: true);
        long misalignment = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0).ToInt64() % Alignment;
        offset = misalignment == 0 ? 0 : (int)((Alignment - misalignment) / size);
        return array;
    }

    /// <summary>Decodes baked-in parameters (little-endian values as base64 in UTF-8) into a network's parameter array.</summary>
    /// <param name="base64">The UTF-8 literal the generator emitted.</param>
    /// <param name="parameters">The parameters to fill; the data must decode to exactly this many values.</param>
    public static void DecodeBakedParameters(ReadOnlySpan<byte> base64, Span<float> parameters)
    {
        Decode(base64, MemoryMarshal.AsBytes(parameters));
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(parameters);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    /// <summary>Decodes baked-in parameters (little-endian values as base64 in UTF-8) into a network's parameter array.</summary>
    /// <param name="base64">The UTF-8 literal the generator emitted.</param>
    /// <param name="parameters">The parameters to fill; the data must decode to exactly this many values.</param>
    public static void DecodeBakedParameters(ReadOnlySpan<byte> base64, Span<double> parameters)
    {
        Decode(base64, MemoryMarshal.AsBytes(parameters));
        if (!BitConverter.IsLittleEndian)
        {
            Span<long> bits = MemoryMarshal.Cast<double, long>(parameters);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    private static void Decode(ReadOnlySpan<byte> base64, Span<byte> destination)
    {
        OperationStatus status = Base64.DecodeFromUtf8(base64, destination, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != base64.Length || written != destination.Length)
        {
            throw new InvalidOperationException($"The baked-in parameters decode to {written} bytes ({status}), not the {destination.Length} the network needs; rebuild the project.");
        }
    }

    /// <summary>Creates the <see cref="InvalidOperationException"/> thrown by the members of a network whose declaration has errors.</summary>
    /// <param name="typeName">The network type.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException InvalidDeclaration(string typeName) =>
        new InvalidOperationException($"The [Network] declaration of '{typeName}' has errors (see the SNET diagnostics of the build); no code was generated for it.");
}

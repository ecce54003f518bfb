using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;

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

    /// <summary>Throws the <see cref="ArgumentException"/> for a sequence that is empty or not whole frames.</summary>
    /// <param name="paramName">The name of the span.</param>
    /// <param name="frameSize">The number of values of one frame.</param>
    /// <param name="actual">The span's length.</param>
    [DoesNotReturn]
    public static void ThrowNotPositiveMultiple(string paramName, int frameSize, int actual) =>
        throw new ArgumentException($"'{paramName}' must hold at least one frame: a length that is a positive multiple of {frameSize}, but has length {actual}.", paramName);

    /// <summary>Throws the <see cref="ArgumentOutOfRangeException"/> for a class index outside [0, classes).</summary>
    /// <param name="label">The class index given.</param>
    /// <param name="classes">The number of classes (the output size).</param>
    [DoesNotReturn]
    public static void ThrowLabelOutOfRange(int label, int classes) =>
        throw new ArgumentOutOfRangeException(nameof(label), label, $"'label' must be in [0, {classes}), but is {label}.");

    /// <summary>The name the overlap messages give the network's own parameters.</summary>
    private const string ParametersName = "Parameters";

    /// <summary>
    /// Throws the <see cref="ArgumentException"/> of a generated method whose written span shares memory with the span it
    /// reads or with the network's parameters. The kernels read their inputs and the parameters while they write, so
    /// aliased spans would give wrong results; spans that are only read may share memory.
    /// </summary>
    /// <typeparam name="T">The network's scalar type.</typeparam>
    /// <param name="written">The span the method writes.</param>
    /// <param name="writtenName">Its parameter name.</param>
    /// <param name="read">A span the method reads.</param>
    /// <param name="readName">Its parameter name.</param>
    /// <param name="parameters">The network's parameters.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfOverlapping<T>(Span<T> written, string writtenName, ReadOnlySpan<T> read, string readName, Span<T> parameters)
        where T : unmanaged
    {
        ThrowIfOverlapping<T, T>(written, writtenName, read, readName);
        ThrowIfOverlapping<T, T>(written, writtenName, parameters, ParametersName);
    }

    /// <summary>As <see cref="ThrowIfOverlapping{T}(Span{T}, string, ReadOnlySpan{T}, string, Span{T})"/>, for a method that reads two spans.</summary>
    /// <typeparam name="T">The network's scalar type.</typeparam>
    /// <typeparam name="TSecond">The element type of the second span read (the scalar type, or <see cref="int"/> for labels).</typeparam>
    /// <param name="written">The span the method writes.</param>
    /// <param name="writtenName">Its parameter name.</param>
    /// <param name="first">The first span the method reads.</param>
    /// <param name="firstName">Its parameter name.</param>
    /// <param name="second">The second span the method reads.</param>
    /// <param name="secondName">Its parameter name.</param>
    /// <param name="parameters">The network's parameters.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfOverlapping<T, TSecond>(Span<T> written, string writtenName, ReadOnlySpan<T> first, string firstName, ReadOnlySpan<TSecond> second, string secondName, Span<T> parameters)
        where T : unmanaged
        where TSecond : unmanaged
    {
        ThrowIfOverlapping<T, T>(written, writtenName, first, firstName);
        ThrowIfOverlapping(written, writtenName, second, secondName);
        ThrowIfOverlapping<T, T>(written, writtenName, parameters, ParametersName);
    }

    /// <summary>As <see cref="ThrowIfOverlapping{T}(Span{T}, string, ReadOnlySpan{T}, string, Span{T})"/>, for a method that writes two spans and reads two.</summary>
    /// <typeparam name="T">The network's scalar type.</typeparam>
    /// <param name="written">The first span the method writes.</param>
    /// <param name="writtenName">Its parameter name.</param>
    /// <param name="alsoWritten">The second span the method writes.</param>
    /// <param name="alsoWrittenName">Its parameter name.</param>
    /// <param name="first">The first span the method reads.</param>
    /// <param name="firstName">Its parameter name.</param>
    /// <param name="second">The second span the method reads.</param>
    /// <param name="secondName">Its parameter name.</param>
    /// <param name="parameters">The network's parameters.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfOverlapping<T>(Span<T> written, string writtenName, Span<T> alsoWritten, string alsoWrittenName, ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName, Span<T> parameters)
        where T : unmanaged
    {
        ThrowIfOverlapping(written, writtenName, first, firstName, second, secondName, parameters);
        ThrowIfOverlapping(alsoWritten, alsoWrittenName, first, firstName, second, secondName, parameters);
        ThrowIfOverlapping<T, T>(alsoWritten, alsoWrittenName, written, writtenName);
    }

    /// <summary>
    /// The entry checks of a generated <c>TrainStep</c>, after the lengths: the learning rate is finite and not negative (as
    /// the optimizers require), the input and the target hold finite values only (a NaN or an infinity would reach the
    /// parameters, and a saturated activation can hide it from the loss), and neither shares memory with the parameters,
    /// which the step writes. Nothing has changed when one of them throws.
    /// </summary>
    /// <typeparam name="T">The network's scalar type.</typeparam>
    /// <param name="learningRate">The step size.</param>
    /// <param name="input">The sample.</param>
    /// <param name="target">The expected output.</param>
    /// <param name="parameters">The network's parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is NaN, infinite or negative.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or a span overlaps the parameters.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CheckTrainStep<T>(T learningRate, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckTrainStep(learningRate, input, parameters);
        ThrowIfNotFinite(target, "target");
        ThrowIfOverlapping<T, T>(target, "target", parameters, ParametersName);
    }

    /// <summary>As <see cref="CheckTrainStep{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>, for the overload that takes a class index.</summary>
    /// <typeparam name="T">The network's scalar type.</typeparam>
    /// <param name="learningRate">The step size.</param>
    /// <param name="input">The sample.</param>
    /// <param name="parameters">The network's parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is NaN, infinite or negative.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or the input overlaps the parameters.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CheckTrainStep<T>(T learningRate, ReadOnlySpan<T> input, Span<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(learningRate) || learningRate < T.Zero)
        {
            ThrowLearningRate(double.CreateTruncating(learningRate));
        }

        ThrowIfNotFinite(input, "input");
        ThrowIfOverlapping<T, T>(input, "input", parameters, ParametersName);
    }

    /// <summary>
    /// The entry checks of a sequence network's <c>TrainStep</c>, after the lengths: as
    /// <see cref="CheckTrainStep{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>, for its <c>inputs</c> and <c>targets</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CheckSequenceTrainStep<T>(T learningRate, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(learningRate) || learningRate < T.Zero)
        {
            ThrowLearningRate(double.CreateTruncating(learningRate));
        }

        ThrowIfNotFinite(inputs, "inputs");
        ThrowIfNotFinite(targets, "targets");
        ThrowIfOverlapping<T, T>(inputs, "inputs", parameters, ParametersName);
        ThrowIfOverlapping<T, T>(targets, "targets", parameters, ParametersName);
    }

    /// <summary>As the other overloads, for a method that writes one span and reads three (a sequence network's <c>Step</c>).</summary>
    internal static void ThrowIfOverlapping<T>(Span<T> written, string writtenName, ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName, ReadOnlySpan<T> third, string thirdName)
        where T : unmanaged
    {
        ThrowIfOverlapping<T, T>(written, writtenName, first, firstName);
        ThrowIfOverlapping<T, T>(written, writtenName, second, secondName);
        ThrowIfOverlapping<T, T>(written, writtenName, third, thirdName);
    }

    /// <summary>The index of the first NaN or infinite value of <paramref name="values"/>, or -1.</summary>
    /// <remarks>
    /// One vectorised pass decides (<see cref="Lanes{T, TSimd, TVector}.AllFinite"/>), compiled fully optimised at the
    /// first call (TensorPrimitives' sum, used before, waited at the JIT's first tier on one core: T2 <c>TrainStep</c>
    /// took 0.76-0.86 µs for the first 300,000 steps against 0.61 with tiering off); only a span with a NaN or an
    /// infinity is looked at value by value.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        ref T first = ref MemoryMarshal.GetReference(values);
        bool finite = typeof(T) == typeof(float) ? AllFinite(ref Unsafe.As<T, float>(ref first), values.Length)
            : typeof(T) == typeof(double) && AllFinite(ref Unsafe.As<T, double>(ref first), values.Length);
        if (finite)
        {
            return -1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllFinite<T>(ref T values, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated ? Lanes<T, Simd512<T>, Vector512<T>>.AllFinite(ref values, length)
        : Vector256.IsHardwareAccelerated ? Lanes<T, Simd256<T>, Vector256<T>>.AllFinite(ref values, length)
        : Vector128.IsHardwareAccelerated ? Lanes<T, Simd128<T>, Vector128<T>>.AllFinite(ref values, length)
        : Lanes<T, Simd1<T>, T>.AllFinite(ref values, length);

    private static void ThrowIfNotFinite<T>(ReadOnlySpan<T> values, string name)
        where T : IFloatingPointIeee754<T>
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0)
        {
            ThrowNotFinite(name, index, double.CreateTruncating(values[index]));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ThrowIfOverlapping<TWritten, TRead>(ReadOnlySpan<TWritten> written, string writtenName, ReadOnlySpan<TRead> read, string readName)
        where TWritten : unmanaged
        where TRead : unmanaged
    {
        // MemoryExtensions.Overlaps, inlined (a call per pair of spans counts in a Step of a few dozen nanoseconds): the
        // spans share a byte when the offset of read's start from written's falls inside written, or written's start inside read.
        nint offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(written), ref Unsafe.As<TRead, TWritten>(ref MemoryMarshal.GetReference(read)));
        nint writtenBytes = (nint)written.Length * Unsafe.SizeOf<TWritten>();
        nint readBytes = (nint)read.Length * Unsafe.SizeOf<TRead>();
        if (writtenBytes != 0 && readBytes != 0 && ((nuint)offset < (nuint)writtenBytes || (nuint)(-offset) < (nuint)readBytes))
        {
            ThrowOverlapping(writtenName, readName);
        }
    }

    [DoesNotReturn]
    private static void ThrowOverlapping(string writtenName, string readName) =>
        throw new ArgumentException(
            $"'{writtenName}' overlaps '{readName}': a span that a network method writes must not share memory with a span it reads or with the network's {ParametersName}; pass separate buffers.",
            writtenName == ParametersName ? readName : writtenName);

    [DoesNotReturn]
    private static void ThrowNotFinite(string name, int index, double value) =>
        throw new ArgumentException(
            $"'{name}' must hold finite values, but {name}[{index}] is {value.ToString(CultureInfo.InvariantCulture)}. TrainStep refuses NaN and infinite values before it changes anything: they would reach the parameters, even where a saturated activation keeps the loss finite.",
            name);

    [DoesNotReturn]
    private static void ThrowLearningRate(double learningRate) =>
        throw new ArgumentOutOfRangeException("learningRate", learningRate, "The learning rate must be finite and not negative.");

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

    /// <summary>
    /// Decodes the generator's literal: base64 in lines, each a whole number of four-character groups but the last, ended
    /// by a line feed (a carriage return before it allowed). The lines are joined without their ends in a pooled buffer
    /// and decoded in one call. T3's 437 KB from the second construction on (the first, 4-6 ms, is the JIT's): 0.37-0.38
    /// ms, against 0.97-1.12 in calls of a line or of 4 KiB (the decoder's loop reaches optimised code only in a long
    /// call), 1.0 in one call that skips the line ends itself, and 0.18-0.21 for the single line the generator wrote
    /// before (no copy). Compiled optimised at its first call: at tier 0 the loop over T3's 6,079 lines took 4 ms.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Decode(ReadOnlySpan<byte> base64, Span<byte> destination)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(base64.Length);
        Span<byte> joined = rented;
        int length = 0;
        bool whole = true;
        while (true)
        {
            int end = base64.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = (end < 0 ? base64 : base64[..end]).TrimEnd((byte)'\r');
            line.CopyTo(joined[length..]);
            length += line.Length;
            if (end < 0)
            {
                break;
            }

            whole &= line.Length % 4 == 0;
            base64 = base64[(end + 1)..];
        }

        OperationStatus status = Base64.DecodeFromUtf8(joined[..length], destination, out int consumed, out int written);
        ArrayPool<byte>.Shared.Return(rented);
        if (!whole || status != OperationStatus.Done || consumed != length || written != destination.Length)
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

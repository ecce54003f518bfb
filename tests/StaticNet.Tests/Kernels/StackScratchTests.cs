using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// <see cref="StackScratch{T}.Align"/>, which the sequence runner takes its stack scratch through: the requested length,
/// at a 64-byte boundary, inside the buffer, from every start a <c>stackalloc</c> can have (16-byte steps within a cache
/// line), in float and double; and from a real <c>stackalloc</c>.
/// </summary>
public sealed class StackScratchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(256)]
    public void Align_takes_the_length_from_the_first_64_byte_boundary_of_the_buffer(int length)
    {
        Check<float>(length);
        Check<double>(length);
    }

    [Fact]
    public void Align_of_a_stackalloc_is_at_a_64_byte_boundary()
    {
        Span<float> scratch = StackScratch<float>.Align(stackalloc float[40 + StackScratch<float>.Pad], 40);
        Assert.Equal(40, scratch.Length);
        Assert.Equal(0, Address(scratch) % 64);
        Span<double> wide = StackScratch<double>.Align(stackalloc double[40 + StackScratch<double>.Pad], 40);
        Assert.Equal(40, wide.Length);
        Assert.Equal(0, Address(wide) % 64);
    }

    private static void Check<T>(int length)
        where T : unmanaged
    {
        int pad = StackScratch<T>.Pad;
        Assert.Equal(64 / Unsafe.SizeOf<T>(), pad);
        T[] backing = GC.AllocateArray<T>(length + (3 * pad), pinned: true);
        int first = (int)((64 - (Address<T>(backing) % 64)) % 64) / Unsafe.SizeOf<T>();
        for (int bytes = 0; bytes < 64; bytes += 16)
        {
            Span<T> buffer = backing.AsSpan(first + (bytes / Unsafe.SizeOf<T>()), length + pad);
            Span<T> scratch = StackScratch<T>.Align(buffer, length);
            Assert.Equal(length, scratch.Length);
            Assert.Equal(0, Address(scratch) % 64);
            long offset = Address(scratch) - Address(buffer);
            Assert.InRange(offset, 0, 63);
            Assert.True(offset + ((long)length * Unsafe.SizeOf<T>()) <= (long)buffer.Length * Unsafe.SizeOf<T>());
        }
    }

    private static long Address<T>(Span<T> span)
        where T : unmanaged => (long)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(span));
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// Scratch too large for the stack, kept per thread for the next call: two buffers (a sequence TrainStep holds its
/// gradient and its pass's scratch at once), each replaced only by a larger one. Unlike <c>ArrayPool.Shared</c>, which
/// drops its arrays when the GC trims it (under memory pressure, on a full collection), a warmed-up thread never
/// allocates again, which is what a real-time caller relies on. The cost is memory: each thread that ran a network
/// keeps its largest two scratch buffers of each scalar type.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal static class ScratchBuffers<T>
{
    [System.ThreadStatic]
    private static T[]? t_first;

    [System.ThreadStatic]
    private static T[]? t_second;

    /// <summary>A buffer of at least <paramref name="length"/> elements, taken from this thread's cache (or new).</summary>
    public static T[] Rent(int length)
    {
        T[]? buffer = t_first;
        if (buffer is not null && buffer.Length >= length)
        {
            t_first = null;
            return buffer;
        }

        buffer = t_second;
        if (buffer is not null && buffer.Length >= length)
        {
            t_second = null;
            return buffer;
        }

        return new T[length];
    }

    /// <summary>Gives a buffer back to this thread's cache, where it replaces an empty slot or a smaller buffer.</summary>
    public static void Return(T[] buffer)
    {
        if (t_first is null)
        {
            t_first = buffer;
        }
        else if (t_second is null)
        {
            t_second = buffer;
        }
        else if (t_first.Length < buffer.Length)
        {
            t_first = buffer;
        }
        else if (t_second.Length < buffer.Length)
        {
            t_second = buffer;
        }
    }
}

/// <summary>
/// Scratch on the stack at a 64-byte boundary. The JIT aligns <c>stackalloc</c> to 16 bytes only, so where a call's scratch
/// starts within a cache line depends on the stack's address, which differs between processes (the stack's start is
/// randomised); a kernel that stores whole vectors to its scratch and loads them back (a layer's outputs, a recurrent
/// cell's gate sums) then splits 32- and 64-byte accesses across cache lines in some processes and not in others. Taking
/// the scratch from the first 64-byte boundary of a slightly longer buffer makes every process the aligned one.
/// <para>
/// The sequence runner takes its scratch this way: a recurrent step stores its gate sums to the scratch and the cell loads
/// them back, on the dependency chain from one frame to the next, and the step's time depended on the stack's address by
/// up to 45 % (docs/benchmarks.md, the late-night sitting of 2026-12-04). The dense runner does not: its layers' outputs
/// measured the same at every offset, and the alignment's few instructions cost T1's forward pass about 1 ns.
/// </para>
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal static class StackScratch<T>
    where T : unmanaged
{
    /// <summary>The elements to add to a <c>stackalloc</c>'s length for <see cref="Align"/>: one cache line's worth.</summary>
    public static int Pad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 64 / Unsafe.SizeOf<T>();
    }

    /// <summary>
    /// The <paramref name="length"/> elements of <paramref name="buffer"/> (<c>stackalloc T[length + Pad]</c>) that start
    /// at its first 64-byte boundary. Stack memory does not move, so its address is stable for the call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> Align(Span<T> buffer, int length)
    {
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(buffer));
        int skip = (int)((-address) & 63) / Unsafe.SizeOf<T>();
        return buffer.Slice(skip, length);
    }
}

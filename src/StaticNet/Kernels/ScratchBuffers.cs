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

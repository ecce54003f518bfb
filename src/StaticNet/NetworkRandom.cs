using System;

namespace StaticNet;

/// <summary>
/// The deterministic pseudo-random generator behind parameter initialisation: SplitMix64, with integer arithmetic
/// only, so that a seed gives the same parameters on every machine and runtime.
/// </summary>
public struct NetworkRandom
{
    private ulong _state;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public NetworkRandom(int seed) => _state = unchecked((ulong)(long)seed) ^ 0x5DEECE66DUL;

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Returns a value uniformly distributed in [0, 1) with 24 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Returns a value uniformly distributed in [0, 1) with 53 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="destination"/> with values uniformly distributed in [-limit, limit).</summary>
    /// <param name="destination">The values to write.</param>
    /// <param name="limit">The bound of the interval.</param>
    public void FillUniform(Span<float> destination, float limit)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (2f * NextSingle() - 1f) * limit;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with values uniformly distributed in [-limit, limit).</summary>
    /// <param name="destination">The values to write.</param>
    /// <param name="limit">The bound of the interval.</param>
    public void FillUniform(Span<double> destination, double limit)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (2.0 * NextDouble() - 1.0) * limit;
        }
    }
}

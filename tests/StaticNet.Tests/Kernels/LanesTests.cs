using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The partial loads and stores every kernel ends a row with (<see cref="Lanes{T, TSimd, TVector}.LoadFirst"/> and
/// <see cref="Lanes{T, TSimd, TVector}.StoreFirst"/>): at every width, in float and double, for every count short of a
/// vector and at unaligned offsets, a load gives the values in the first lanes and zero in the others, and a store writes
/// exactly its lanes. Each count takes one of the forms: one scalar move (one lane, two floats), a masked move, or
/// through memory where the machine has no masked moves.
/// </summary>
public sealed class LanesTests
{
    [Fact]
    public void Partial_loads_and_stores_move_exactly_their_lanes()
    {
        Check<float, Simd128<float>, Vector128<float>>();
        Check<float, Simd256<float>, Vector256<float>>();
        Check<float, Simd512<float>, Vector512<float>>();
        Check<double, Simd128<double>, Vector128<double>>();
        Check<double, Simd256<double>, Vector256<double>>();
        Check<double, Simd512<double>, Vector512<double>>();
    }

    private static void Check<T, TSimd, TVector>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        T sentinel = T.CreateChecked(-7);
        var vector = new T[lanes];
        for (int count = 1; count < lanes; count++)
        {
            for (int offset = 0; offset < 3; offset++)
            {
                // The source ends where the loaded lanes end.
                var source = new T[offset + count];
                for (int i = 0; i < source.Length; i++)
                {
                    source[i] = T.CreateChecked(i + 1) / T.CreateChecked(3);
                }

                TSimd.Store(Lanes<T, TSimd, TVector>.LoadFirst(ref source[0], (nuint)offset, count), ref vector[0], 0);
                for (int lane = 0; lane < lanes; lane++)
                {
                    T expected = lane < count ? source[offset + lane] : T.Zero;
                    Assert.True(expected == vector[lane], $"{typeof(TSimd).Name} load of {count} at {offset}: lane {lane} is {vector[lane]}, not {expected}");
                }

                // A store of a whole vector's distinct values writes the first count of them, nothing around them.
                var full = new T[lanes];
                for (int lane = 0; lane < lanes; lane++)
                {
                    full[lane] = T.CreateChecked(lane + 10);
                }

                var destination = new T[offset + lanes + 1];
                Array.Fill(destination, sentinel);
                Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Load(ref full[0], 0), ref destination[0], (nuint)offset, count);
                for (int i = 0; i < destination.Length; i++)
                {
                    T expected = i >= offset && i < offset + count ? full[i - offset] : sentinel;
                    Assert.True(expected == destination[i], $"{typeof(TSimd).Name} store of {count} at {offset}: element {i} is {destination[i]}, not {expected}");
                }
            }
        }
    }

    /// <summary>
    /// <see cref="ISimd{T, TVector}.Evens"/> and <see cref="ISimd{T, TVector}.Odds"/>, which split two vectors of
    /// interleaved pairs (a two-input layer's weight rows) into the two columns: at every width, float and double.
    /// </summary>
    [Fact]
    public void Evens_and_odds_split_interleaved_pairs_at_every_width()
    {
        Unzip<float, Simd1<float>, float>();
        Unzip<float, Simd128<float>, Vector128<float>>();
        Unzip<float, Simd256<float>, Vector256<float>>();
        Unzip<float, Simd512<float>, Vector512<float>>();
        Unzip<double, Simd1<double>, double>();
        Unzip<double, Simd128<double>, Vector128<double>>();
        Unzip<double, Simd256<double>, Vector256<double>>();
        Unzip<double, Simd512<double>, Vector512<double>>();
    }

    private static void Unzip<T, TSimd, TVector>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        var pairs = new T[2 * lanes];
        for (int i = 0; i < pairs.Length; i++)
        {
            pairs[i] = T.CreateChecked(i + 1);
        }

        TVector a = TSimd.Load(ref pairs[0], 0), b = TSimd.Load(ref pairs[0], (nuint)lanes);
        var evens = new T[lanes];
        var odds = new T[lanes];
        TSimd.Store(TSimd.Evens(a, b), ref evens[0], 0);
        TSimd.Store(TSimd.Odds(a, b), ref odds[0], 0);
        for (int lane = 0; lane < lanes; lane++)
        {
            Assert.True(pairs[2 * lane] == evens[lane], $"{typeof(TSimd).Name} evens: lane {lane} is {evens[lane]}, not {pairs[2 * lane]}");
            Assert.True(pairs[(2 * lane) + 1] == odds[lane], $"{typeof(TSimd).Name} odds: lane {lane} is {odds[lane]}, not {pairs[(2 * lane) + 1]}");
        }
    }
}

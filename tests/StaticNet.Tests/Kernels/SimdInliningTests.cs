using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// Every method and property getter of a width (<see cref="ISimd{T, TVector}"/>'s implementations) that tests an
/// instruction set, directly or through another such member, is <c>AggressiveInlining</c>. NativeAOT does not otherwise inline a method
/// that tests an instruction set outside its target: at its default target the 128-bit kernels called the members of
/// <c>Registers</c> and <c>HasMaskedLoad</c>, their sizes became run-time values, and T2's <c>Forward</c> took 2.6× the
/// JIT's 128-bit time (docs/benchmarks.md, the Intel sitting). The JIT inlines them either way, so no other test sees it.
/// </summary>
public sealed class SimdInliningTests
{
    public static TheoryData<Type> Widths() => new()
    {
        typeof(Simd1<float>), typeof(Simd128<float>), typeof(Simd256<float>), typeof(Simd512<float>),
        typeof(Simd1<double>), typeof(Simd128<double>), typeof(Simd256<double>), typeof(Simd512<double>),
    };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_member_that_tests_an_instruction_set_is_aggressively_inlined(Type width)
    {
        MethodInfo[] members = width.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Where(method => !method.IsGenericMethodDefinition)
            .ToArray();
        var testing = new HashSet<string>();
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (MethodInfo member in members.Where(member => !testing.Contains(member.Name)))
            {
                if (Callees(member).Any(callee => IsInstructionSetTest(callee) || (callee.DeclaringType == width && testing.Contains(callee.Name))))
                {
                    testing.Add(member.Name);
                    grew = true;
                }
            }
        }

        Assert.NotEmpty(testing);
        string[] plain = members
            .Where(member => testing.Contains(member.Name) && (member.MethodImplementationFlags & MethodImplAttributes.AggressiveInlining) == 0)
            .Select(member => member.Name)
            .ToArray();
        Assert.True(plain.Length == 0, $"{width.Name}: members that test an instruction set without AggressiveInlining: {string.Join(", ", plain)}");
    }

    private static bool IsInstructionSetTest(MethodBase method) =>
        method.Name == "get_IsSupported"
        && method.DeclaringType?.Namespace is { } space
        && space.StartsWith(typeof(Vector128).Namespace + ".", StringComparison.Ordinal);

    /// <summary>The methods a method's IL calls (<c>call</c>, opcode 0x28, and its token).</summary>
    private static IEnumerable<MethodBase> Callees(MethodInfo method)
    {
        byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != 0x28)
            {
                continue;
            }

            MethodBase? callee = null;
            try
            {
                callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), method.DeclaringType?.GetGenericArguments(), null);
            }
            catch (ArgumentException)
            {
                // Not a method token: the byte was an operand of another instruction.
            }

            if (callee is not null)
            {
                yield return callee;
                i += 4;
            }
        }
    }
}

using System;
using System.IO;

namespace StaticNet.Tests.Shared;

/// <summary>
/// The processor time of the calling thread, for tests that bound the cost of rejecting a hostile file: unlike the
/// wall clock, it does not depend on how busy the machine is. Linux only (from /proc/thread-self/stat); elsewhere null.
/// </summary>
internal static class ThreadClock
{
    public static TimeSpan? Now()
    {
        const string Path = "/proc/thread-self/stat";
        if (!File.Exists(Path))
        {
            return null;
        }

        // Fields 14 and 15 (utime, stime) in clock ticks of 1/100 s, after the command name in parentheses.
        string stat = File.ReadAllText(Path);
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds((long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10);
    }
}

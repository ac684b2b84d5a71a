using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tanager.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on this loopback port.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until <paramref name="process"/> listens on every port, on the monotonic clock; throws with
    /// <paramref name="failure"/>'s text if it exits first or <paramref name="seconds"/> pass.
    /// </summary>
    public static async Task WaitForListenersAsync(Process process, int seconds, Func<string> failure, params int[] ports)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (!ports.All(Listening))
        {
            if (process.HasExited || Environment.TickCount64 > deadline)
            {
                throw new InvalidOperationException(failure());
            }
            await Task.Delay(50);
        }
    }
}

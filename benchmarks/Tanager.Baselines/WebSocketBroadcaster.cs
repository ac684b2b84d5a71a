using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Tanager.Baselines;

/// <summary>
/// What ASP.NET Core gives for free: every connected socket is in one group (a set of sockets), chosen when it
/// connects, and each text message received from any socket is sent, as the same byte array, to every socket of that
/// socket's group, the sender included. The broadcast awaits every send before the sender's next message is read, so a
/// slow reader slows the publisher instead of growing a queue.
/// </summary>
internal sealed class WebSocketBroadcaster
{
    /// <summary>Bounds what one request can make the server keep as a dictionary key.</summary>
    public const int MaxGroupNameLength = 64;

    // 64 KiB is far above the ~200-byte load-test payload and bounds what one client can make the server buffer.
    private const int MaxMessageBytes = 64 * 1024;
    // Covers the load-test payload in one receive; larger messages grow the buffer up to MaxMessageBytes.
    private const int InitialBufferBytes = 4 * 1024;

    // Groups are looked up once per connection, never per message: the broadcast iterates the set the socket joined, so
    // one group costs what the single set did before groups existed. An emptied group's set stays (a few hundred bytes
    // each, bounded by the group names a load test uses), so a socket can never join a set another thread just dropped.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<WebSocketPeer, byte>> _groups = new(StringComparer.Ordinal);

    /// <summary>Runs one socket until it closes: it joins <paramref name="group"/>, and what it sends goes to that group.</summary>
    public async Task RunAsync(WebSocket socket, string group, CancellationToken aborted)
    {
        var peers = _groups.GetOrAdd(group, static _ => new ConcurrentDictionary<WebSocketPeer, byte>());
        using var peer = new WebSocketPeer(socket);
        peers.TryAdd(peer, 0);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, null, aborted);
                            return;
                        }
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), aborted);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                    return;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, null, aborted);
                    return;
                }
                // One copy per message, shared by every send: the "pre-serialized bytes" of the broadcast.
                await BroadcastAsync(peers, buffer.AsSpan(0, count).ToArray(), aborted);
            }
        }
        catch (WebSocketException)
        {
            // The client vanished without a closing handshake.
        }
        catch (OperationCanceledException)
        {
            // The request was aborted (client gone or server stopping).
        }
        finally
        {
            peers.TryRemove(peer, out _);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task BroadcastAsync(ConcurrentDictionary<WebSocketPeer, byte> peers, byte[] message, CancellationToken cancellationToken)
    {
        // Start every send first and only then wait, so one socket's full kernel buffer does not delay the others.
        List<Task>? pending = null;
        foreach (var entry in peers)
        {
            var send = entry.Key.SendAsync(message, cancellationToken);
            if (!send.IsCompletedSuccessfully)
            {
                (pending ??= []).Add(send.AsTask());
            }
        }
        if (pending is not null)
        {
            await Task.WhenAll(pending);
        }
    }
}

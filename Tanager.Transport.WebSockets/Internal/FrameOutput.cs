using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Tanager.Transport.WebSockets.Internal;

internal enum FrameWrite
{
    /// <summary>Written; the writer goes on.</summary>
    Done,
    /// <summary>The close timer cancelled a write that the peer would not take.</summary>
    Cancelled,
    /// <summary>The transport is gone: nothing more can be written.</summary>
    Closed,
}

/// <summary>
/// Where a connection's single writer puts its frames: one frame as it is, or a batch buffered and then sent at once.
/// </summary>
internal abstract class FrameOutput
{
    /// <summary>A batch stops growing here and is sent; the writer then goes on with what is still queued.</summary>
    public const int MaxBatchBytes = 64 * 1024;

    public abstract ValueTask<FrameWrite> WriteAsync(ReadOnlyMemory<byte> frame);

    public abstract void Buffer(ReadOnlySpan<byte> frame);

    public abstract ValueTask<FrameWrite> FlushAsync();

    /// <summary>The close timer gave up on a write: make a write in progress return.</summary>
    public abstract void CancelPendingWrite();

    public abstract ValueTask CompleteAsync();

    /// <param name="completeOutput">Whether the transport's output is completed when the writer ends (see
    /// <see cref="WebSocketConnection"/>'s ownsTransport).</param>
    public static FrameOutput For(IDuplexPipe transport, Socket? socket, bool completeOutput) =>
        socket is null ? new PipeOutput(transport.Output, completeOutput) : new SocketOutput(socket, transport.Output, completeOutput);

    /// <summary>The transport's output pipe (behind an HTTP upgrade, TLS, or any transport): a copy into it, and its flush.</summary>
    private sealed class PipeOutput(PipeWriter output, bool completeOutput) : FrameOutput
    {
        public override async ValueTask<FrameWrite> WriteAsync(ReadOnlyMemory<byte> frame) => Result(await output.WriteAsync(frame));

        public override void Buffer(ReadOnlySpan<byte> frame) => output.Write(frame);

        public override async ValueTask<FrameWrite> FlushAsync() => Result(await output.FlushAsync());

        public override void CancelPendingWrite() => output.CancelPendingFlush();

        public override ValueTask CompleteAsync() => completeOutput ? output.CompleteAsync() : ValueTask.CompletedTask;

        private static FrameWrite Result(FlushResult flush) =>
            flush.IsCanceled ? FrameWrite.Cancelled : flush.IsCompleted ? FrameWrite.Closed : FrameWrite.Done;
    }

    /// <summary>
    /// The connection's own socket, when nothing (such as TLS) sits between it and the transport: a lone frame goes from
    /// the shared pre-built bytes straight to the kernel, with no copy into the transport's 4 KiB blocks and no hop to
    /// its send loop; a batch is copied once into a pooled buffer that is returned as soon as it is sent. The
    /// transport's output pipe stays unused; whoever owns the connection closes the socket when it ends.
    /// A write the peer does not take ends when the close timer aborts the connection, which closes the socket.
    /// </summary>
    private sealed class SocketOutput(Socket socket, PipeWriter unused, bool completeOutput) : FrameOutput
    {
        private byte[]? _batch;
        private int _batched;

        public override async ValueTask<FrameWrite> WriteAsync(ReadOnlyMemory<byte> frame)
        {
            try
            {
                await socket.SendAsync(frame, SocketFlags.None);
                return FrameWrite.Done;
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return FrameWrite.Closed;
            }
        }

        public override void Buffer(ReadOnlySpan<byte> frame)
        {
            if (_batch is null || _batch.Length - _batched < frame.Length)
            {
                // One rent of the batch cap covers a batch; only a frame that ends past the cap grows it, once.
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_batched + frame.Length, MaxBatchBytes));
                if (_batch is not null)
                {
                    _batch.AsSpan(0, _batched).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(_batch);
                }
                _batch = grown;
            }
            frame.CopyTo(_batch.AsSpan(_batched));
            _batched += frame.Length;
        }

        public override async ValueTask<FrameWrite> FlushAsync()
        {
            if (_batch is not { } batch)
            {
                return FrameWrite.Done;
            }
            try
            {
                return await WriteAsync(batch.AsMemory(0, _batched));
            }
            finally
            {
                _batch = null;
                _batched = 0;
                ArrayPool<byte>.Shared.Return(batch);
            }
        }

        public override void CancelPendingWrite()
        {
            // Nothing to cancel here: the close timer aborts the connection next, which closes the socket under the write.
        }

        public override ValueTask CompleteAsync() => completeOutput ? unused.CompleteAsync() : ValueTask.CompletedTask;
    }
}

using System.Buffers;
using System.IO.Pipelines;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// A <see cref="PipeWriter"/> over Kestrel's upgraded stream that skips what <c>PipeWriter.Create(stream)</c> adds on
/// top of it. Kestrel's upgraded stream already writes and flushes into the connection's output pipe in one call, so:
/// <list type="bullet">
/// <item>a flush is one <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, with no second
/// <see cref="Stream.FlushAsync(CancellationToken)"/> walking Kestrel's response layers and locks again;</item>
/// <item><see cref="WriteAsync"/> with nothing buffered hands the caller's memory straight to the stream (a writer with
/// a single queued frame copies nothing on this side);</item>
/// <item>the buffer is rented only while something is buffered and returned after each flush, so an idle connection
/// holds none;</item>
/// <item>no token is passed down (Kestrel would register it on every write): a stuck write ends when the connection is
/// aborted, which is what the caller does after <see cref="CancelPendingFlush"/>.</item>
/// </list>
/// Single writer only, like any <see cref="PipeWriter"/>.
/// </summary>
internal sealed class UpgradedStreamWriter(Stream stream) : PipeWriter
{
    private const int MinimumBufferSize = 4096;

    private byte[]? _buffer;
    private int _buffered;
    private volatile bool _flushCanceled;
    private bool _completed;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _buffered;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_buffer is null || _buffered + bytes > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the memory that was handed out.");
        }
        _buffered += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_buffered);

    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_buffered);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered == 0)
        {
            return new ValueTask<FlushResult>(Result());
        }
        var write = stream.WriteAsync(_buffer.AsMemory(0, _buffered), CancellationToken.None);
        if (write.IsCompletedSuccessfully)
        {
            ReturnBuffer();
            return new ValueTask<FlushResult>(Result());
        }
        return AwaitWriteAsync(write, returnBuffer: true);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_buffered > 0)
        {
            source.Span.CopyTo(GetSpan(source.Length));
            Advance(source.Length);
            return FlushAsync(cancellationToken);
        }
        var write = stream.WriteAsync(source, CancellationToken.None);
        return write.IsCompletedSuccessfully ? new ValueTask<FlushResult>(Result()) : AwaitWriteAsync(write, returnBuffer: false);
    }

    public override void CancelPendingFlush() => _flushCanceled = true;

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        ReturnBuffer();
    }

    private async ValueTask<FlushResult> AwaitWriteAsync(ValueTask write, bool returnBuffer)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            if (returnBuffer)
            {
                ReturnBuffer();
            }
        }
        return Result();
    }

    private FlushResult Result()
    {
        var canceled = _flushCanceled;
        _flushCanceled = false;
        return new FlushResult(canceled, _completed);
    }

    private byte[] Reserve(int sizeHint)
    {
        var needed = _buffered + Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, MinimumBufferSize));
        }
        else if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _buffered).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer;
    }

    private void ReturnBuffer()
    {
        _buffered = 0;
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

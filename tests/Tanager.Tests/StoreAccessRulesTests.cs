using System.Reflection;
using System.Reflection.Emit;

namespace Tanager.Tests;

/// <summary>
/// Rules, queries and permission checks live in Core services: REST endpoints, the gateway's handlers and the transports
/// parse, call one service method and map the result. Checked on the compiled code, method bodies included (lambdas,
/// closures and state machines are types of their own), so that no endpoint or gateway type reaches a store.
/// </summary>
public sealed class StoreAccessRulesTests
{
    private static readonly Assembly Core = typeof(IChannelStore).Assembly;

    /// <summary>The gateway's types in Core: connection state, fan-out, ordering. READY, TYPING and catch-up reads are services.</summary>
    private static readonly Type[] GatewayTypes =
    [
        typeof(GatewaySession), typeof(GatewayHub), typeof(FanOut), typeof(OutboundEvent), typeof(PresenceTracker),
        typeof(ChannelStream), typeof(ChannelOrder<>), typeof(SharedCatchUp),
    ];

    public static TheoryData<string> Assemblies => ["Tanager.AspNetCore", "Tanager.Transport.WebSockets"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_endpoint_or_transport_references_a_store(string assemblyName)
    {
        var types = Assembly.Load(assemblyName).GetTypes();
        Assert.NotEmpty(types);
        var violations = types.SelectMany(StoreReferences).ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void No_gateway_type_references_a_store()
    {
        var types = GatewayTypes.SelectMany(t => new[] { t }.Concat(Nested(t))).ToList();
        var violations = types.SelectMany(StoreReferences).ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_check_sees_a_store_used_inside_a_lambda_and_as_a_parameter()
    {
        // ConnectionService is a Core service and reads stores: the scanner must find that, or it proves nothing.
        var found = new[] { typeof(ConnectionService) }.Concat(Nested(typeof(ConnectionService))).SelectMany(StoreReferences).ToList();
        Assert.Contains(found, v => v.Contains("IChannelStore", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("IMessageStore", StringComparison.Ordinal));
    }

    private static IEnumerable<Type> Nested(Type type) =>
        type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(n => new[] { n }.Concat(Nested(n)));

    private static bool IsStore(Type? type)
    {
        if (type is null)
        {
            return false;
        }
        if (type.HasElementType)
        {
            return IsStore(type.GetElementType());
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition && type.GetGenericArguments().Any(IsStore))
        {
            return true;
        }
        return type.Assembly == Core && (IsStoreInterface(type) || type.GetInterfaces().Any(IsStoreInterface));

        static bool IsStoreInterface(Type t) => t.IsInterface && t.Name.StartsWith('I') && t.Name.EndsWith("Store", StringComparison.Ordinal);
    }

    private static IEnumerable<string> StoreReferences(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all).Where(f => IsStore(f.FieldType)))
        {
            yield return $"{type.FullName}.{field.Name}: a field of type {field.FieldType.Name}";
        }
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            foreach (var parameter in method.GetParameters().Where(p => IsStore(p.ParameterType)))
            {
                yield return $"{type.FullName}.{method.Name}: takes a {parameter.ParameterType.Name}";
            }
            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }
            foreach (var local in body.LocalVariables.Where(l => IsStore(l.LocalType)))
            {
                yield return $"{type.FullName}.{method.Name}: a local of type {local.LocalType.Name}";
            }
            foreach (var member in Operands(method, body.GetILAsByteArray() ?? []))
            {
                var reached = member switch
                {
                    Type t => t,
                    MethodBase m => m.DeclaringType,
                    FieldInfo f => IsStore(f.FieldType) ? f.FieldType : f.DeclaringType,
                    _ => null,
                };
                if (IsStore(reached) || (member is MethodInfo mi && IsStore(mi.ReturnType)))
                {
                    yield return $"{type.FullName}.{method.Name}: uses {member}";
                }
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The members and types a method's IL refers to by metadata token.</summary>
    private static IEnumerable<MemberInfo> Operands(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, at);
                    MemberInfo? member;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                        member = null;
                    }
                    if (member is not null)
                    {
                        yield return member;
                    }
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                    at += 4;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
            }
        }
    }
}

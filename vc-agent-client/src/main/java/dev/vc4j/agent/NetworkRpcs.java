package dev.vc4j.agent;

import dev.vc4j.AgentConfig;
import dev.vc4j.agent.AgentCalls.Retry;
import dev.vc4j.agent.proto.ARPNeighbor;
import dev.vc4j.agent.proto.AddARPNeighborsRequest;
import dev.vc4j.agent.proto.ListInterfacesRequest;
import dev.vc4j.agent.proto.ListInterfacesResponse;
import dev.vc4j.agent.proto.ListRoutesRequest;
import dev.vc4j.agent.proto.ListRoutesResponse;
import dev.vc4j.agent.proto.Route;
import dev.vc4j.agent.proto.UpdateInterfaceRequest;
import dev.vc4j.agent.proto.UpdateRoutesRequest;
import dev.vc4j.spi.GuestInterface;
import dev.vc4j.spi.GuestNeighbor;
import dev.vc4j.spi.GuestRoute;
import dev.vc4j.spi.InterfaceUpdate;

import java.util.List;

/**
 * The guest's network through the agent (rtnetlink in the guest), typed: no protobuf type leaves this class.
 * Every call sets a state rather than adding to one, so each may run twice and is retried. The agent checks every
 * field and names the field and value it rejects; {@link AgentCalls#translate} turns that into the exception.
 */
final class NetworkRpcs {
    private final AgentCalls calls;
    private final AgentConfig config;

    NetworkRpcs(AgentCalls calls, AgentConfig config) {
        this.calls = calls;
        this.config = config;
    }

    List<GuestInterface> listInterfaces() {
        return calls
                .call(
                        AgentRpc.LIST_INTERFACES,
                        ListInterfacesRequest.getDefaultInstance(),
                        config.callTimeout(),
                        Retry.IDEMPOTENT)
                .getInterfacesList()
                .stream()
                .map(NetworkRpcs::guestInterface)
                .toList();
    }

    List<GuestRoute> listRoutes() {
        return guestRoutes(calls.call(
                AgentRpc.LIST_ROUTES, ListRoutesRequest.getDefaultInstance(), config.callTimeout(), Retry.IDEMPOTENT));
    }

    GuestInterface updateInterface(InterfaceUpdate update) {
        UpdateInterfaceRequest request = UpdateInterfaceRequest.newBuilder()
                .setMac(update.mac())
                .setName(update.name())
                .addAllAddresses(update.addresses())
                .setMtu(update.mtu())
                .setUp(update.up())
                .build();
        return guestInterface(calls.call(AgentRpc.UPDATE_INTERFACE, request, config.callTimeout(), Retry.IDEMPOTENT));
    }

    List<GuestRoute> updateRoutes(List<GuestRoute> routes) {
        UpdateRoutesRequest request = UpdateRoutesRequest.newBuilder()
                .addAllRoutes(routes.stream().map(NetworkRpcs::route).toList())
                .build();
        return guestRoutes(calls.call(AgentRpc.UPDATE_ROUTES, request, config.callTimeout(), Retry.IDEMPOTENT));
    }

    void addArpNeighbors(List<GuestNeighbor> neighbors) {
        AddARPNeighborsRequest request = AddARPNeighborsRequest.newBuilder()
                .addAllNeighbors(neighbors.stream()
                        .map(n -> ARPNeighbor.newBuilder()
                                .setIp(n.ip())
                                .setMac(n.mac())
                                .setDevice(n.device())
                                .build())
                        .toList())
                .build();
        calls.call(AgentRpc.ADD_ARP_NEIGHBORS, request, config.callTimeout(), Retry.IDEMPOTENT);
    }

    private static GuestInterface guestInterface(ListInterfacesResponse.Interface i) {
        return new GuestInterface(i.getName(), i.getMac(), i.getMtu(), i.getUp(), i.getAddressesList());
    }

    private static List<GuestRoute> guestRoutes(ListRoutesResponse response) {
        return response.getRoutesList().stream()
                .map(r -> new GuestRoute(
                        r.getDestination(),
                        r.getGateway(),
                        r.getDevice(),
                        r.getSource(),
                        scope(r.getScope()),
                        r.getMetric()))
                .toList();
    }

    private static GuestRoute.Scope scope(Route.Scope scope) {
        return switch (scope) {
            case LINK -> GuestRoute.Scope.LINK;
            case HOST -> GuestRoute.Scope.HOST;
            default -> GuestRoute.Scope.UNIVERSE;
        };
    }

    private static Route route(GuestRoute r) {
        Route.Scope scope = switch (r.scope()) {
            case UNIVERSE -> Route.Scope.UNIVERSE;
            case LINK -> Route.Scope.LINK;
            case HOST -> Route.Scope.HOST;
        };
        return Route.newBuilder()
                .setDestination(r.destination())
                .setGateway(r.gateway())
                .setDevice(r.device())
                .setSource(r.source())
                .setScope(scope)
                .setMetric(r.metric())
                .build();
    }
}

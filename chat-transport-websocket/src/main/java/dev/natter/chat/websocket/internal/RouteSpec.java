package dev.natter.chat.websocket.internal;

import dev.natter.chat.websocket.HttpRoute;

/**
 * An HTTP route as configured: its method, exact path and handler.
 *
 * @param method the method it answers, such as {@code POST}
 * @param path the exact path, such as {@code /login}
 * @param route the handler
 */
public record RouteSpec(String method, String path, HttpRoute route) {}

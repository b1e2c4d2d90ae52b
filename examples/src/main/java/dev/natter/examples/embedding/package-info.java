/** An existing small web app (the JDK's {@code HttpServer}) that adds Natter chat. */
package dev.natter.examples.embedding;

/**
 * bn-core: batch normalization in plain Java. Exports its API package only; kernels, loops and storage are internal.
 * The Vector API module is optional: {@code requires static} compiles against it, and bn-core runs its plain-Java
 * loops in a JVM that does not resolve it (the default; {@code --add-modules jdk.incubator.vector} resolves it).
 */
module org.bn4j.core {
    requires static jdk.incubator.vector;

    exports org.bn4j.core;
}

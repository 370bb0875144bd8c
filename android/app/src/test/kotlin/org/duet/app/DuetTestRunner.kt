package org.duet.app

import org.junit.runners.model.FrameworkMethod
import org.robolectric.RobolectricTestRunner
import org.robolectric.internal.bytecode.InstrumentationConfiguration

/**
 * Robolectric with the generated bindings loaded once for the whole JVM. Each test class gets its
 * own sandbox class loader; the core library is loaded once per process and keeps one table of
 * callback interfaces (clock, key provider, transport), so a second copy of the bindings classes
 * would replace the first one's callbacks under it. The bindings use no Android classes.
 */
class DuetTestRunner(testClass: Class<*>) : RobolectricTestRunner(testClass) {
    override fun createClassLoaderConfig(method: FrameworkMethod): InstrumentationConfiguration =
        InstrumentationConfiguration.Builder(super.createClassLoaderConfig(method))
            .doNotAcquirePackage("org.duet.core")
            .build()
}

package org.duet.app.platform

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import org.duet.app.push.PushEnvironment
import org.duet.core.DuetException

/**
 * Something that wakes the app to look for sign-in requests. The periodic job is one; a push
 * receiver (FCM, UnifiedPush) is another, calling [PollRunner.pollOnce] when a wake-up arrives and
 * registering its token with `registerPushToken`.
 */
interface WakeUpSource {
    fun start(context: Context)
    fun stop(context: Context)
}

/** One poll of every push account, with notifications for what it found. */
class PollRunner(private val env: PushEnvironment, private val notifier: Notifier, private val nowSeconds: () -> Long) {
    /** Returns false when the vault could not be opened or polled (locked, key lost): try later. */
    fun pollOnce(): Boolean {
        val summary = try {
            env.app().poll()
        } catch (e: VaultLockedException) {
            return false
        } catch (e: KeyLostException) {
            return false
        } catch (e: DuetException) {
            return false
        }
        notifier.clear(summary.closed)
        notifier.show(summary.requests, nowSeconds())
        return true
    }
}

/** Polls every 15 minutes (JobScheduler's shortest period) while the network is up. */
class PeriodicPollJob : WakeUpSource {
    override fun start(context: Context) {
        val job = JobInfo.Builder(JOB_ID, ComponentName(context, PollJobService::class.java))
            .setPeriodic(JobInfo.getMinPeriodMillis())
            .setRequiredNetworkType(JobInfo.NETWORK_TYPE_ANY)
            .build()
        checkNotNull(context.getSystemService(JobScheduler::class.java)).schedule(job)
    }

    override fun stop(context: Context) {
        checkNotNull(context.getSystemService(JobScheduler::class.java)).cancel(JOB_ID)
    }

    companion object {
        const val JOB_ID = 4201
    }
}

/** The job itself: polls on a background thread and reports when done. */
class PollJobService : JobService() {
    override fun onStartJob(params: JobParameters): Boolean {
        val env = PushEnvironment.current(this)
        val runner = PollRunner(env, Notifier(this)) { env.nowSeconds() }
        env.background.execute {
            // A locked vault or an unreachable server waits for the next period, not a retry storm.
            runner.pollOnce()
            jobFinished(params, false)
        }
        return true
    }

    // A stopped poll is simply the next one's work.
    override fun onStopJob(params: JobParameters): Boolean = false
}

package org.duet.app.push

import org.duet.app.Strings
import android.app.Activity
import android.content.Context
import android.content.Intent
import android.graphics.Color
import android.graphics.Typeface
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.text.Editable
import android.text.InputFilter
import android.text.InputType
import android.text.TextWatcher
import android.view.Gravity
import android.view.View
import android.view.WindowManager
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import org.duet.core.NumberMatching

/**
 * The sign-in request screen: what the request says, the number to type or pick, approve, and deny
 * with "Was this you?". It polls while visible. Views are framework widgets built here; the rules
 * live in [RequestModel].
 */
class RequestActivity : Activity() {
    private lateinit var env: PushEnvironment
    private lateinit var model: RequestModel
    private lateinit var content: LinearLayout
    private val main = Handler(Looper.getMainLooper())
    private var rendered: RequestScreen? = null
    private val poller = object : Runnable {
        override fun run() {
            refresh()
            main.postDelayed(this, env.pollSeconds * 1000)
        }
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // Always: this screen answers sign-ins, whatever the screen-capture setting of the other screens.
        window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        title = Strings.Request.SCREEN_TITLE
        env = PushEnvironment.current(this)
        model = RequestModel({ env.app() }, { env.nowSeconds() })
        model.focus(intent.getStringExtra(EXTRA_REQUEST_ID))
        content = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(dp(20), dp(24), dp(20), dp(24))
        }
        setContentView(ScrollView(this).apply { addView(content) })
        render()
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        model.focus(intent.getStringExtra(EXTRA_REQUEST_ID))
    }

    override fun onResume() {
        super.onResume()
        main.post(poller)
    }

    override fun onPause() {
        main.removeCallbacks(poller)
        super.onPause()
    }

    private fun refresh() {
        env.background.execute {
            model.refresh()
            changed()
        }
    }

    /** Safe from any thread. */
    private fun changed() {
        if (Looper.myLooper() == Looper.getMainLooper()) render() else main.post { render() }
    }

    private fun render() {
        val screen = model.screen
        // Rebuilding while the user types would reset the cursor: the field reports into the model.
        if (screen == rendered || (screen is RequestScreen.Ask && rendered is RequestScreen.Ask && sameAsk(screen, rendered as RequestScreen.Ask))) {
            rendered = screen
            return
        }
        rendered = screen
        content.removeAllViews()
        when (screen) {
            RequestScreen.Checking -> text(Strings.Request.CHECKING, "checking")
            is RequestScreen.Nothing -> {
                text(Strings.Request.NOTHING_WAITING, "nothing")
                screen.problem?.let { text(it, "poll-problem").setTextColor(WARN) }
            }
            is RequestScreen.Ask -> ask(screen)
            is RequestScreen.DenyReason -> {
                heading(screen.request.heading)
                heading(Strings.Request.WAS_IT_YOU).tag = "was-it-you"
                text(Strings.Request.WAS_IT_YOU_DETAIL, "was-it-you-detail")
                button(Strings.Request.NOT_ME, "not-me") { answer(model.denyBecause(notMe = true)) }
                button(Strings.Request.MISTAKE, "mistake") { answer(model.denyBecause(notMe = false)) }
                button(Strings.Request.BACK, "back") { model.back(); render() }
            }
            is RequestScreen.Confirming -> {
                heading(screen.request.heading)
                text(Strings.Request.CONFIRMING, "confirming")
            }
            is RequestScreen.Closed -> {
                heading(screen.text).tag = "outcome"
                button(Strings.Request.DONE, "done") { finish() }
            }
            is RequestScreen.KeyLost -> {
                heading(Strings.Request.KEY_LOST_TITLE).tag = "key-lost"
                text(screen.text, "key-lost-text")
                screen.waysBack.forEachIndexed { i, w -> text("• $w", "way-back-$i") }
                button(Strings.Request.DONE, "done") { finish() }
            }
            RequestScreen.Locked -> {
                text(Strings.Request.LOCKED, "locked")
                button(Strings.Request.UNLOCK, "unlock") { model.retry(); render(); refresh() }
            }
            is RequestScreen.Problem -> {
                text(screen.text, "problem").setTextColor(WARN)
                text(screen.code, "problem-code").setTextColor(Color.GRAY)
                button(Strings.Request.TRY_AGAIN, "try-again") { model.retry(); render(); refresh() }
            }
        }
    }

    private fun sameAsk(a: RequestScreen.Ask, b: RequestScreen.Ask) =
        a.request == b.request && a.note == b.note && a.picked == b.picked

    private fun ask(s: RequestScreen.Ask) {
        val r = s.request
        heading(r.heading).tag = "heading"
        r.message?.let { text(it, "message") }
        for ((label, value) in r.details) {
            text("$label: $value", "detail-$label")
        }
        when (val m = r.matching) {
            is NumberMatching.TypeShown -> {
                text(Strings.Request.TYPE_NUMBER.format(m.digits.toInt()), "type-hint")
                val field = EditText(this).apply {
                    tag = "number"
                    inputType = InputType.TYPE_CLASS_NUMBER
                    filters = arrayOf(InputFilter.LengthFilter(m.digits.toInt()))
                    textSize = 28f
                    gravity = Gravity.CENTER
                    setText(s.typed)
                    addTextChangedListener(object : TextWatcher {
                        override fun beforeTextChanged(t: CharSequence?, start: Int, count: Int, after: Int) {}
                        override fun onTextChanged(t: CharSequence?, start: Int, before: Int, count: Int) {}
                        override fun afterTextChanged(e: Editable?) {
                            model.type(e?.toString() ?: "")
                        }
                    })
                }
                content.addView(field)
            }
            is NumberMatching.Pick -> {
                text(Strings.Request.PICK_NUMBER, "pick-hint")
                val row = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
                for (c in m.choices) {
                    row.addView(Button(this).apply {
                        text = c
                        tag = "choice-$c"
                        textSize = 24f
                        isSelected = c == s.picked
                        setTypeface(null, if (c == s.picked) Typeface.BOLD else Typeface.NORMAL)
                        if (c == s.picked) setTextColor(ACCENT)
                        setOnClickListener { model.pick(c); render() }
                    }, LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f))
                }
                content.addView(row)
            }
            NumberMatching.None -> text(Strings.Request.WEAKER, "weaker").setTextColor(WARN)
        }
        s.note?.let { text(it, "note").setTextColor(WARN) }
        button(Strings.Request.APPROVE, "approve") {
            val toSign = model.approve()
            if (toSign == null) render() else answer(toSign)
        }
        button(Strings.Request.DENY, "deny") { model.deny(); render() }
    }

    private fun answer(toSign: ToSign?) {
        if (toSign == null) {
            render()
            return
        }
        AnswerFlow(model, env.answerKeys, env.gate(this), env.background) { changed() }.run(toSign)
    }

    private fun heading(s: String): TextView = text(s, null).apply {
        textSize = 22f
        setTypeface(null, Typeface.BOLD)
    }

    private fun text(s: String, tag: String?): TextView = TextView(this).also {
        it.text = s
        it.textSize = 16f
        it.tag = tag
        it.setPadding(0, dp(6), 0, dp(6))
        content.addView(it)
    }

    private fun button(label: String, tag: String, onClick: () -> Unit): Button = Button(this).also {
        it.text = label
        it.tag = tag
        it.setOnClickListener { onClick() }
        content.addView(it)
    }

    private fun dp(v: Int) = (v * resources.displayMetrics.density).toInt()

    companion object {
        const val EXTRA_REQUEST_ID = "org.duet.app.REQUEST_ID"
        private val WARN = Color.rgb(0xB0, 0x3A, 0x00)
        private val ACCENT = Color.rgb(0x1A, 0x5F, 0xB4)

        fun intent(context: Context, requestId: String?): Intent =
            Intent(context, RequestActivity::class.java).putExtra(EXTRA_REQUEST_ID, requestId)
    }
}

/** Finds a view of the request screen by its tag (tests, screenshots). */
fun Activity.requestView(tag: String): View? = window.decorView.findViewWithTag(tag)
